package io.larder.engine.offheap;

import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.LarderException;
import java.nio.ByteBuffer;
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

    static long access(MapEntry<byte[], byte[]> e) {
        Data<byte[]> v = e.value();
        return v.bytes().readLong(v.offset() + EntryHeader.ACCESS_OFFSET);
    }

    /** Marks a hit: a racy write of one field, which only ranks entries for eviction. */
    static void stampAccess(RandomDataOutput<?> out, long offset, long tick) {
        out.writeLong(offset + EntryHeader.ACCESS_OFFSET, tick);
    }

    /** Sets a stored entry's expiry, under the entry's write lock. */
    static void writeExpiresAt(MapEntry<byte[], byte[]> e, long expiresAt) {
        Data<byte[]> v = e.value();
        writable(v.bytes()).writeLong(v.offset() + EntryHeader.EXPIRES_AT_OFFSET, expiresAt);
    }

    /** The whole header at {@code offset}. */
    static void writeHeader(RandomDataOutput<?> out, long offset, int flags, long version, long expiresAt,
            long storedAt, long access) {
        out.writeByte(offset + EntryHeader.FORMAT_OFFSET, (byte) EntryHeader.FORMAT);
        out.writeByte(offset + EntryHeader.LENGTH_OFFSET, (byte) EntryHeader.LENGTH);
        out.writeShort(offset + EntryHeader.MARKS_OFFSET, (short) 0);
        out.writeInt(offset + EntryHeader.FLAGS_OFFSET, flags);
        out.writeLong(offset + EntryHeader.VERSION_OFFSET, version);
        out.writeLong(offset + EntryHeader.EXPIRES_AT_OFFSET, expiresAt);
        out.writeLong(offset + EntryHeader.STORED_AT_OFFSET, storedAt);
        out.writeLong(offset + EntryHeader.ACCESS_OFFSET, access);
    }

    /** Sets the version of a prepared entry (see {@link Scratch#prepare}) once it is known. */
    static void writeVersion(BytesStore<?, ?> prepared, long version) {
        prepared.writeLong(EntryHeader.VERSION_OFFSET, version);
    }

    /** Writes header and value over a stored entry of exactly their size. */
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
     * Checks the format and returns the header length, where the value starts.
     *
     * @throws LarderException for a format this build does not read
     */
    static int checkHeader(RandomDataInput in, long offset, long storedLength) {
        int format = in.readUnsignedByte(offset + EntryHeader.FORMAT_OFFSET);
        int headerLength = in.readUnsignedByte(offset + EntryHeader.LENGTH_OFFSET);
        if (format != EntryHeader.FORMAT || headerLength < EntryHeader.LENGTH || headerLength > storedLength) {
            throw new LarderException("entry header format " + format + " (length " + headerLength
                    + ") is not one this build reads (format " + EntryHeader.FORMAT + ")");
        }
        return headerLength;
    }

    /** The stored entry as an {@link Entry}, its value copied once. */
    static Entry toEntry(RandomDataInput in, long offset, long storedLength) {
        int headerLength = checkHeader(in, offset, storedLength);
        byte[] value = new byte[(int) (storedLength - headerLength)];
        in.read(offset + headerLength, value, 0, value.length);
        return new Entry(value, in.readLong(offset + EntryHeader.VERSION_OFFSET),
                in.readLong(offset + EntryHeader.EXPIRES_AT_OFFSET), in.readInt(offset + EntryHeader.FLAGS_OFFSET),
                in.readLong(offset + EntryHeader.STORED_AT_OFFSET));
    }

    static Entry toEntry(MapEntry<byte[], byte[]> e) {
        Data<byte[]> v = e.value();
        return toEntry(v.bytes(), v.offset(), v.size());
    }

    /** Fills {@code view} from the stored entry, copying the value once into {@code into} (or a larger array). */
    static byte[] fill(View view, byte[] into, RandomDataInput in, long offset, long storedLength) {
        int headerLength = checkHeader(in, offset, storedLength);
        int valueLength = (int) (storedLength - headerLength);
        byte[] array = into.length >= valueLength ? into : new byte[valueLength];
        in.read(offset + headerLength, array, 0, valueLength);
        view.set(array, valueLength, in.readLong(offset + EntryHeader.VERSION_OFFSET),
                in.readLong(offset + EntryHeader.EXPIRES_AT_OFFSET), in.readInt(offset + EntryHeader.FLAGS_OFFSET),
                in.readLong(offset + EntryHeader.STORED_AT_OFFSET));
        return array;
    }

    /** {@code copyValue}'s copy: straight from the map into {@code dst} when it fits; the value's length. */
    static Integer copyValue(RandomDataInput in, long offset, long storedLength, ByteBuffer dst) {
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

    /** Writes the header (version 0 until {@link #writeVersion}) and value at the start of {@code store}. */
    static void prepare(BytesStore<?, ?> store, byte[] array, ByteBuffer value, int flags, long expiresAt, long now,
            long access) {
        writeHeader(store, 0, flags, 0L, expiresAt, now, access);
        value.duplicate().get(array, EntryHeader.LENGTH, value.remaining());
    }
}
