package io.larder.engine.offheap;

import io.larder.spi.Clock;
import io.larder.spi.EntryReader;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.LarderException;
import java.nio.ByteBuffer;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Reads: {@code get}, {@code read} and {@code copyValue} through a query context under the
 * segment's read lock, the key in the thread's native key buffer ({@link Scratch#readKey}), so a
 * read allocates nothing of its own: Chronicle wraps a {@code byte[]} key in new objects for every
 * query (about 190 bytes a read, measured with {@code -prof gc}). There the stored bytes are
 * checked for expiry, the hit stamped and the caller's reader run, the value copied into the
 * caller's buffer, or the entry built, the result left in the thread's {@link Scratch}. A read
 * nested in a reader, or of a key too long for the buffer, goes through {@code getUsing} and
 * {@link #valueReader()}, which do the same. Reads never change the store's entries: an
 * expired entry, a lease placeholder and an entry hidden by a tag invalidation are misses, left for
 * the sweeper (or a write) to reclaim.
 *
 * <p><b>Hit statistics.</b> A hit reports the figures from before it, then stamps the entry's hit
 * count, last access and eviction stamp with plain writes into the map's memory under the segment's
 * read lock (see {@link EntryCodec#stampHit}): no lock upgrade, no atomic instruction. Readers of one
 * entry racing on two threads may count one hit for both; a thread alone counts exactly. Only after
 * the reader returned: a reader that throws leaves the entry as it was.
 *
 * <p><b>Tags.</b> Only an entry with the tagged mark decodes its tags and asks the {@link TagMarks};
 * an untagged one pays one test of a bit it reads anyway.
 */
final class ReadPath {

    /** What the value reader hands back to {@code getUsing}: markers, never stored values. */
    private static final byte[] HIT = new byte[0];
    private static final byte[] EXPIRED = new byte[0];

    private final Clock clock;
    private final Counters counters;
    private TagMarks tagMarks;
    private Admission admission;
    private final HitReader valueReader = new HitReader();
    private ChronicleMap<byte[], byte[]> map;

    ReadPath(Clock clock, Counters counters) {
        this.clock = clock;
        this.counters = counters;
    }

    /** The reader the map is built with. */
    SizedReader<byte[]> valueReader() {
        return valueReader;
    }

    /** The map built with {@link #valueReader()}, and the store's tag watermarks. */
    void attach(ChronicleMap<byte[], byte[]> builtMap, TagMarks marks, Admission keyAdmission) {
        this.map = builtMap;
        this.tagMarks = marks;
        this.admission = keyAdmission;
    }

    /**
     * Looks the key up; {@code reader} is an {@link EntryReader}, a {@code copyValue} destination
     * or null for {@code get}. Calls nested from a reader save and restore the thread's state.
     */
    Object lookup(Key key, Object reader) {
        Scratch s = Scratch.get();
        byte[] k = s.exactKey(key);
        Object outerReader = s.reader;
        Object outerResult = s.result;
        s.reader = reader;
        s.result = null;
        s.readDepth++;
        try {
            if (admission != null) {
                admission.record(k, k.length);
            }
            BytesStore<?, ?> nativeKey = s.readKey(k);
            byte[] outcome;
            if (nativeKey == null) {
                outcome = map.getUsing(k, null);
            } else {
                try (ExternalMapQueryContext<byte[], byte[], ?> q = map.queryContext(nativeKey, 0, k.length)) {
                    q.readLock().lock();
                    MapEntry<byte[], byte[]> e = q.entry();
                    if (e == null) {
                        outcome = null;
                    } else {
                        Data<byte[]> v = e.value();
                        outcome = valueReader.visit(v.bytes(), v.offset(), v.size());
                    }
                }
            }
            if (outcome == HIT) {
                counters.hits.increment();
                return s.result;
            }
            counters.misses.increment();
            return null;
        } finally {
            s.readDepth--;
            s.reader = outerReader;
            s.result = outerResult;
        }
    }

    /**
     * {@code copyValue}: the value's length, or -1 when there is no live entry; the length is left
     * in the thread's scratch rather than boxed.
     */
    int copyValue(Key key, ByteBuffer dst) {
        Scratch s = Scratch.get();
        return lookup(key, dst) == null ? -1 : s.copiedLength;
    }

    /**
     * The map's value reader, called by {@code getUsing} under the segment's read lock with
     * {@code in} positioned at the stored value (header first). Nothing else reads values as
     * objects: every other path works on the entry's bytes inside a query context.
     */
    private final class HitReader implements SizedReader<byte[]> {
        @Override
        public byte[] read(Bytes<?> in, long size, byte[] using) {
            long offset = in.readPosition();
            // The Bytes checks every access against its limits; its store (the tier's native memory,
            // same offsets) does not, so check the entry once and read the store.
            BytesStore<?, ?> store = in.bytesStore();
            if (offset + size > in.readLimit() || store == null) {
                throw new LarderException("stored entry of " + size + " bytes at " + offset + " is out of bounds");
            }
            return visit(store, offset, size);
        }

        /** The stored entry of {@code size} bytes at {@code offset}, under the segment's read lock. */
        byte[] visit(RandomDataInput store, long offset, long size) {
            if (size < EntryHeader.LENGTH) {
                throw new LarderException("stored entry of " + size + " bytes at " + offset + " is shorter than its"
                        + " header");
            }
            Scratch s = Scratch.get();
            long expiresAt = EntryCodec.expiresAt(store, offset);
            long now = clock.millis();
            if (expiresAt != 0 && !Expiry.isLive(expiresAt, now)) {
                return EXPIRED;
            }
            int marks = EntryCodec.marks(store, offset);
            List<String> tags = List.of();
            int tagState = TagMarks.VALID;
            if ((marks & (EntryHeader.PLACEHOLDER | EntryHeader.TAGGED)) != 0) {
                if ((marks & EntryHeader.PLACEHOLDER) != 0) {
                    return EXPIRED;
                }
                tags = EntryCodec.tags(store, offset);
                tagState = tagMarks.state(tags, EntryCodec.version(store, offset));
                if (tagState == TagMarks.REMOVED) {
                    return EXPIRED;
                }
            }
            long stats = EntryCodec.stats(store, offset);
            Object reader = s.reader;
            if (reader == null) {
                s.result = EntryCodec.toEntry(store, offset, size, now, tags, tagState);
            } else if (reader instanceof ByteBuffer) {
                s.copiedLength = EntryCodec.copyValue(store, offset, size, (ByteBuffer) reader);
                s.result = HIT;
            } else {
                s.result = ((EntryReader<?>) reader).read(s.view(store, offset, size, stats, now, tags, tagState));
            }
            EntryCodec.stampHit(EntryCodec.writable(store), offset, stats, counters.tick(), now);
            return HIT;
        }
    }
}
