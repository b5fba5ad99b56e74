package io.larder.engine.offheap;

import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.LarderException;
import java.nio.ByteBuffer;
import java.util.List;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.MapEntry;

/**
 * The only code that reads or writes the {@link EntryHeader} in front of a stored value: every
 * other class asks it for a field or hands it one, so the layout lives in one place.
 */
final class EntryCodec {

    private EntryCodec() {
    }

    // ---- fields of a stored entry ---------------------------------------------------------

    static long expiresAt(RandomDataInput in, long offset) {
        return in.readLong(offset + EntryHeader.EXPIRES_AT_OFFSET);
    }

    static long expiresAt(MapEntry<byte[], byte[]> e) {
        Data<byte[]> v = e.value();
        return expiresAt(v.bytes(), v.offset());
    }

    static boolean isLive(MapEntry<byte[], byte[]> e, long now) {
        return Expiry.isLive(expiresAt(e), now);
    }

    static int marks(RandomDataInput in, long offset) {
        return in.readUnsignedShort(offset + EntryHeader.MARKS_OFFSET);
    }

    static int marks(MapEntry<byte[], byte[]> e) {
        Data<byte[]> v = e.value();
        return marks(v.bytes(), v.offset());
    }

    static long version(RandomDataInput in, long offset) {
        return in.readLong(offset + EntryHeader.VERSION_OFFSET);
    }

    static long version(MapEntry<byte[], byte[]> e) {
        Data<byte[]> v = e.value();
        return version(v.bytes(), v.offset());
    }

    /** The tags of a stored entry that has the tagged mark. */
    static List<String> tags(RandomDataInput in, long offset) {
        return TagCodec.decode(in, offset + in.readUnsignedByte(offset + EntryHeader.LENGTH_OFFSET));
    }

    static List<String> tags(MapEntry<byte[], byte[]> e) {
        Data<byte[]> v = e.value();
        return tags(v.bytes(), v.offset());
    }

    /** When the lease on the stored entry runs out: a placeholder's is its expiry; 0 for none. */
    static long leaseUntil(RandomDataInput in, long offset, int marks) {
        if ((marks & EntryHeader.PLACEHOLDER) != 0) {
            return expiresAt(in, offset);
        }
        return (marks & EntryHeader.LEASED) != 0 ? in.readLong(offset + EntryHeader.LEASE_UNTIL_OFFSET) : 0;
    }

    static long access(MapEntry<byte[], byte[]> e) {
        Data<byte[]> v = e.value();
        return v.bytes().readLong(v.offset() + EntryHeader.ACCESS_OFFSET);
    }

    static long stats(RandomDataInput in, long offset) {
        return in.readLong(offset + EntryHeader.STATS_OFFSET);
    }

    static int hits(long stats) {
        return (int) (stats >>> EntryHeader.HITS_SHIFT);
    }

    static long lastAccess(long stats) {
        return stats & EntryHeader.LAST_ACCESS_MASK;
    }

    static long stats(int hits, long lastAccess) {
        return ((long) hits << EntryHeader.HITS_SHIFT) | (lastAccess & EntryHeader.LAST_ACCESS_MASK);
    }

    /**
     * Marks a hit: the eviction stamp, one more hit (saturating) and the time. Plain writes under the
     * segment's read lock: two readers racing on one entry may count one hit for both (never lose
     * the entry or tear a field, each field being one aligned long), a single thread counts exactly.
     */
    static void stampHit(RandomDataOutput<?> out, long offset, long stats, long tick, long now) {
        int hits = hits(stats);
        out.writeLong(offset + EntryHeader.ACCESS_OFFSET, tick);
        out.writeLong(offset + EntryHeader.STATS_OFFSET, stats(hits < Entry.MAX_HITS ? hits + 1 : hits, now));
    }

    /** Sets a stored entry's expiry, under the entry's write lock. */
    static void writeExpiresAt(MapEntry<byte[], byte[]> e, long expiresAt) {
        Data<byte[]> v = e.value();
        writable(v.bytes()).writeLong(v.offset() + EntryHeader.EXPIRES_AT_OFFSET, expiresAt);
    }

    /** Sets a stored entry's marks, under the entry's write lock. */
    static void writeMarks(MapEntry<byte[], byte[]> e, int marks) {
        Data<byte[]> v = e.value();
        writable(v.bytes()).writeShort(v.offset() + EntryHeader.MARKS_OFFSET, (short) marks);
    }

    /** The fixed part of an untagged, unleased header at {@code offset}: a fresh store. */
    static void writeHeader(RandomDataOutput<?> out, long offset, int flags, long version, long expiresAt,
            long storedAt, long access) {
        writeHeader(out, offset, 0, flags, version, expiresAt, storedAt, access, stats(0, storedAt), 0);
    }

    /** The fixed part of the header at {@code offset}; its length follows from the leased mark. */
    static int writeHeader(RandomDataOutput<?> out, long offset, int marks, int flags, long version, long expiresAt,
            long storedAt, long access, long stats, long leaseUntil) {
        int length = (marks & EntryHeader.LEASED) != 0 ? EntryHeader.LEASED_LENGTH : EntryHeader.LENGTH;
        out.writeByte(offset + EntryHeader.FORMAT_OFFSET, (byte) EntryHeader.FORMAT);
        out.writeByte(offset + EntryHeader.LENGTH_OFFSET, (byte) length);
        out.writeShort(offset + EntryHeader.MARKS_OFFSET, (short) marks);
        out.writeInt(offset + EntryHeader.FLAGS_OFFSET, flags);
        out.writeLong(offset + EntryHeader.VERSION_OFFSET, version);
        out.writeLong(offset + EntryHeader.EXPIRES_AT_OFFSET, expiresAt);
        out.writeLong(offset + EntryHeader.STORED_AT_OFFSET, storedAt);
        out.writeLong(offset + EntryHeader.ACCESS_OFFSET, access);
        out.writeLong(offset + EntryHeader.STATS_OFFSET, stats);
        if (length == EntryHeader.LEASED_LENGTH) {
            out.writeLong(offset + EntryHeader.LEASE_UNTIL_OFFSET, leaseUntil);
        }
        return length;
    }

    /** Header bytes (fixed part and tags section) for these marks and tags section. */
    static int headerLength(int marks, byte[] tagSection) {
        return ((marks & EntryHeader.LEASED) != 0 ? EntryHeader.LEASED_LENGTH : EntryHeader.LENGTH)
                + (tagSection == null ? 0 : tagSection.length);
    }

    /** Sets the version of a prepared entry (see {@link Scratch#prepare}) once it is known. */
    static void writeVersion(BytesStore<?, ?> prepared, long version) {
        prepared.writeLong(EntryHeader.VERSION_OFFSET, version);
    }

    /** Writes an untagged header and value over a stored entry of exactly their size. */
    static void overwrite(MapEntry<byte[], byte[]> e, ByteBuffer value, int flags, long version, long expiresAt,
            long now, long access) {
        Data<byte[]> v = e.value();
        RandomDataOutput<?> out = writable(v.bytes());
        long offset = v.offset();
        writeHeader(out, offset, flags, version, expiresAt, now, access);
        int length = value.remaining();
        if (value.hasArray()) {
            out.write(offset + EntryHeader.LENGTH, value.array(), value.arrayOffset() + value.position(), length);
        } else { // direct
            out.write(offset + EntryHeader.LENGTH, value, value.position(), length);
        }
    }

    static RandomDataOutput<?> writable(RandomDataInput in) {
        if (in instanceof RandomDataOutput) {
            return (RandomDataOutput<?>) in;
        }
        throw new IllegalStateException("Chronicle handed out read-only entry memory: " + in.getClass().getName());
    }

    // ---- values out -----------------------------------------------------------------------

    /**
     * Checks the format and returns the header length (tags included), where the value starts.
     *
     * @throws LarderException for a format this build does not read
     */
    static int checkHeader(RandomDataInput in, long offset, long storedLength) {
        int format = in.readUnsignedByte(offset + EntryHeader.FORMAT_OFFSET);
        int fixedLength = in.readUnsignedByte(offset + EntryHeader.LENGTH_OFFSET);
        if (format != EntryHeader.FORMAT || fixedLength < EntryHeader.LENGTH || fixedLength > storedLength) {
            throw new LarderException("entry header format " + format + " (length " + fixedLength
                    + ") is not one this build reads (format " + EntryHeader.FORMAT + ", length "
                    + EntryHeader.LENGTH + " or more)");
        }
        if ((marks(in, offset) & EntryHeader.TAGGED) == 0) {
            return fixedLength;
        }
        int length = fixedLength + TagCodec.length(in, offset + fixedLength);
        if (length > storedLength) {
            throw new LarderException("entry tags of " + (length - fixedLength) + " bytes pass the stored "
                    + storedLength + " bytes");
        }
        return length;
    }

    /**
     * The stored entry as an {@link Entry}, its value copied once, with the cache state as of
     * {@code now}; {@code tagState} is the {@link TagMarks} state of its tags.
     */
    static Entry toEntry(RandomDataInput in, long offset, long storedLength, long now, List<String> tags,
            int tagState) {
        int headerLength = checkHeader(in, offset, storedLength);
        byte[] value = new byte[(int) (storedLength - headerLength)];
        in.read(offset + headerLength, value, 0, value.length);
        int marks = marks(in, offset);
        long stats = stats(in, offset);
        boolean placeholder = (marks & EntryHeader.PLACEHOLDER) != 0;
        return new Entry(value, version(in, offset), expiresAt(in, offset),
                in.readInt(offset + EntryHeader.FLAGS_OFFSET), in.readLong(offset + EntryHeader.STORED_AT_OFFSET),
                tags, !placeholder && ((marks & EntryHeader.STALE) != 0 || tagState == TagMarks.STALE), placeholder,
                leaseUntil(in, offset, marks) > now, hits(stats), lastAccess(stats));
    }

    /** Fills {@code view} from the stored entry, copying the value once into {@code into} (or a larger array). */
    static byte[] fill(View view, byte[] into, RandomDataInput in, long offset, long storedLength, long stats,
            long now, List<String> tags, int tagState) {
        int headerLength = checkHeader(in, offset, storedLength);
        int valueLength = (int) (storedLength - headerLength);
        byte[] array = into.length >= valueLength ? into : new byte[valueLength];
        in.read(offset + headerLength, array, 0, valueLength);
        int marks = marks(in, offset);
        view.set(array, valueLength, version(in, offset), expiresAt(in, offset),
                in.readInt(offset + EntryHeader.FLAGS_OFFSET), in.readLong(offset + EntryHeader.STORED_AT_OFFSET));
        view.cache(tags, (marks & EntryHeader.STALE) != 0 || tagState == TagMarks.STALE,
                leaseUntil(in, offset, marks) > now, hits(stats), lastAccess(stats));
        return array;
    }

    /** {@code copyValue}'s copy: straight from the map into {@code dst} when it fits; the value's length. */
    static int copyValue(RandomDataInput in, long offset, long storedLength, ByteBuffer dst) {
        int headerLength = checkHeader(in, offset, storedLength);
        int length = (int) (storedLength - headerLength);
        if (length <= dst.remaining()) {
            int position = dst.position();
            if (dst.hasArray()) {
                in.read(offset + headerLength, dst.array(), dst.arrayOffset() + position, length);
            } else if (dst.isDirect()) {
                in.nativeRead(offset + headerLength, Jvm.address(dst) + position, length);
            } else {
                for (int i = 0; i < length; i++) {
                    dst.put(position + i, in.readByte(offset + headerLength + i));
                }
            }
            dst.position(position + length);
        }
        return length;
    }

    // ---- values in ------------------------------------------------------------------------

    /**
     * Writes the header (version 0 until {@link #writeVersion}), the tags section if any, and the
     * value at the start of {@code store}, whose backing array is {@code array}.
     */
    static void prepare(BytesStore<?, ?> store, byte[] array, ByteBuffer value, int marks, int flags, long expiresAt,
            long storedAt, long access, long stats, long leaseUntil, byte[] tagSection) {
        if (tagSection != null) {
            marks |= EntryHeader.TAGGED;
        } else {
            marks &= ~EntryHeader.TAGGED;
        }
        int at = writeHeader(store, 0, marks, flags, 0L, expiresAt, storedAt, access, stats, leaseUntil);
        if (tagSection != null) {
            System.arraycopy(tagSection, 0, array, at, tagSection.length);
            at += tagSection.length;
        }
        value.duplicate().get(array, at, value.remaining());
    }
}
