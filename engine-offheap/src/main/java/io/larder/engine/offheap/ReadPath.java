package io.larder.engine.offheap;

import io.larder.spi.Clock;
import io.larder.spi.EntryReader;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.LarderException;
import java.nio.ByteBuffer;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Reads: {@code get}, {@code read} and {@code copyValue} through Chronicle's optimised
 * {@code getUsing} path (one read lock, no query-context staging). Chronicle calls {@link
 * #valueReader()} on the stored bytes under the segment's read lock; it checks expiry, stamps the
 * hit and there runs the caller's reader, copies into the caller's buffer, or builds the entry,
 * leaving the result in the thread's {@link Scratch}. Reads never change the store: an expired
 * entry is a miss, left for the sweeper (or a write) to reclaim.
 */
final class ReadPath {

    /** What the value reader hands back to {@code getUsing}: markers, never stored values. */
    private static final byte[] HIT = new byte[0];
    private static final byte[] EXPIRED = new byte[0];

    private final Clock clock;
    private final Counters counters;
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

    /** The map built with {@link #valueReader()}. */
    void attach(ChronicleMap<byte[], byte[]> builtMap) {
        this.map = builtMap;
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
        try {
            byte[] outcome = map.getUsing(k, null);
            if (outcome == HIT) {
                counters.hits.increment();
                return s.result;
            }
            counters.misses.increment();
            return null;
        } finally {
            s.reader = outerReader;
            s.result = outerResult;
        }
    }

    /**
     * The map's value reader, called by {@code getUsing} under the segment's read lock with
     * {@code in} positioned at the stored value (header first). Nothing else reads values as
     * objects: every other path works on the entry's bytes inside a query context.
     */
    private final class HitReader implements SizedReader<byte[]> {
        @Override
        public byte[] read(Bytes<?> in, long size, byte[] using) {
            Scratch s = Scratch.get();
            long offset = in.readPosition();
            // The Bytes checks every access against its limits; its store (the tier's native memory,
            // same offsets) does not, so check the entry once and read the store.
            BytesStore<?, ?> store = in.bytesStore();
            if (size < EntryHeader.LENGTH || offset + size > in.readLimit() || store == null) {
                throw new LarderException("stored entry of " + size + " bytes at " + offset + " is out of bounds");
            }
            long expiresAt = EntryCodec.expiresAt(store, offset);
            // The clock is read only for an entry that can expire (0 is never).
            if (expiresAt != 0 && !Expiry.isLive(expiresAt, clock.millis())) {
                return EXPIRED;
            }
            EntryCodec.stampAccess(store, offset, counters.tick());
            Object reader = s.reader;
            if (reader == null) {
                s.result = EntryCodec.toEntry(store, offset, size);
            } else if (reader instanceof ByteBuffer) {
                s.result = EntryCodec.copyValue(store, offset, size, (ByteBuffer) reader);
            } else {
                s.result = ((EntryReader<?>) reader).read(s.view(store, offset, size));
            }
            return HIT;
        }
    }
}
