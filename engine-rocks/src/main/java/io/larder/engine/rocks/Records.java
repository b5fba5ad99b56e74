package io.larder.engine.rocks;

import io.larder.spi.LarderException;
import io.larder.spi.WriteOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte layouts of the store: records (the entries column family's values) and the rows of the
 * index column families. One place for every offset.
 *
 * <p>Record, big-endian: format (1 byte, {@value #RECORD_FORMAT}), bits (stale 1, placeholder 2),
 * tag section length (2), flags (4), version (8), expiresAt (8), storedAt (8), leaseUntil (8), queue
 * position (8); then the tag section (per tag: length byte, UTF-8 bytes); then the value.
 */
final class Records {

    /** Format of each record's header; a record of another format is refused as corrupt. */
    static final byte RECORD_FORMAT = 1;
    /** Bytes before the tag section. */
    static final int HEADER = 48;
    /** The longest tag section: 16 tags of 250 bytes, each with its length byte. */
    static final int MAX_TAG_SECTION = WriteOptions.MAX_TAGS * (1 + WriteOptions.MAX_TAG_BYTES);
    /**
     * Bytes charged per entry beyond its key and record: its queue row and expiry row (key again,
     * version, position), and RocksDB's own per-key overhead, roughly.
     */
    static final int ENTRY_OVERHEAD = 64;

    static final int BIT_STALE = 1;
    static final int BIT_PLACEHOLDER = 2;

    private static final int OFF_FORMAT = 0;
    private static final int OFF_BITS = 1;
    private static final int OFF_TAG_LENGTH = 2;
    private static final int OFF_FLAGS = 4;
    private static final int OFF_VERSION = 8;
    private static final int OFF_EXPIRES = 16;
    private static final int OFF_STORED = 24;
    private static final int OFF_LEASE = 32;
    private static final int OFF_QUEUE = 40;

    private Records() {
    }

    /** Bytes an entry is charged against capacity. */
    static long charge(long storedKeyLength, long recordLength) {
        return storedKeyLength + recordLength + ENTRY_OVERHEAD;
    }

    /** The UTF-8 tag section of {@code tags}. */
    static byte[] tagSection(List<String> tags) {
        if (tags.isEmpty()) {
            return new byte[0];
        }
        int length = 0;
        byte[][] encoded = new byte[tags.size()][];
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = tags.get(i).getBytes(StandardCharsets.UTF_8);
            length += 1 + encoded[i].length;
        }
        byte[] section = new byte[length];
        int at = 0;
        for (byte[] tag : encoded) {
            section[at++] = (byte) tag.length;
            System.arraycopy(tag, 0, section, at, tag.length);
            at += tag.length;
        }
        return section;
    }

    /** Encodes a record. */
    static byte[] encode(Record r, byte[] tagSection) {
        byte[] bytes = new byte[HEADER + tagSection.length + r.value().length];
        ByteBuffer b = ByteBuffer.wrap(bytes);
        header(b, r, tagSection);
        System.arraycopy(tagSection, 0, bytes, HEADER, tagSection.length);
        System.arraycopy(r.value(), 0, bytes, HEADER + tagSection.length, r.value().length);
        return bytes;
    }

    /**
     * Encodes a record of {@code r}'s header and tags and of the {@code value} (its remaining bytes,
     * its position unchanged) into {@code dst} from 0; {@code dst} is left flipped over the record.
     * {@code dst} must hold {@link #HEADER} + the tag section + the value.
     */
    static ByteBuffer encode(Record r, byte[] tagSection, ByteBuffer value, ByteBuffer dst) {
        dst.clear();
        header(dst, r, tagSection);
        dst.put(HEADER, tagSection);
        int length = value.remaining();
        dst.put(HEADER + tagSection.length, value, value.position(), length);
        return dst.position(0).limit(HEADER + tagSection.length + length);
    }

    private static void header(ByteBuffer b, Record r, byte[] tagSection) {
        b.put(OFF_FORMAT, RECORD_FORMAT);
        b.put(OFF_BITS, (byte) ((r.stale() ? BIT_STALE : 0) | (r.placeholder() ? BIT_PLACEHOLDER : 0)));
        b.putShort(OFF_TAG_LENGTH, (short) tagSection.length);
        b.putInt(OFF_FLAGS, r.flags());
        b.putLong(OFF_VERSION, r.version());
        b.putLong(OFF_EXPIRES, r.expiresAt());
        b.putLong(OFF_STORED, r.storedAt());
        b.putLong(OFF_LEASE, r.leaseUntil());
        b.putLong(OFF_QUEUE, r.queuePos());
    }

    /** Decodes a whole record (the write path's copy). */
    static Record decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        check(b, 0);
        int tagLength = tagLength(b, 0);
        byte[] value = new byte[bytes.length - HEADER - tagLength];
        System.arraycopy(bytes, HEADER + tagLength, value, 0, value.length);
        int bits = b.get(OFF_BITS);
        return new Record(value, b.getLong(OFF_VERSION), b.getLong(OFF_EXPIRES), b.getInt(OFF_FLAGS),
                b.getLong(OFF_STORED), tags(b, 0), (bits & BIT_STALE) != 0, (bits & BIT_PLACEHOLDER) != 0,
                b.getLong(OFF_LEASE), b.getLong(OFF_QUEUE));
    }

    /**
     * Sets the version and queue position of an encoded record: the write path encodes a record
     * before its version is drawn, and sets them under the commit lock.
     */
    static void stamp(ByteBuffer b, long version, long queuePos) {
        b.putLong(OFF_VERSION, version);
        b.putLong(OFF_QUEUE, queuePos);
    }

    /**
     * Decodes the header and tags of a record read only in part (its first {@code head.limit()}
     * bytes, at least the header and the tag section): the record has an empty value in place of
     * its own. For a write that replaces the value without looking at it.
     */
    static Record decodeHead(ByteBuffer head) {
        check(head, 0);
        int bits = head.get(OFF_BITS);
        return new Record(NO_VALUE, head.getLong(OFF_VERSION), head.getLong(OFF_EXPIRES), head.getInt(OFF_FLAGS),
                head.getLong(OFF_STORED), tags(head, 0), (bits & BIT_STALE) != 0, (bits & BIT_PLACEHOLDER) != 0,
                head.getLong(OFF_LEASE), head.getLong(OFF_QUEUE));
    }

    private static final byte[] NO_VALUE = new byte[0];

    /** Refuses a record whose header this build cannot read. */
    static void check(ByteBuffer b, int at) {
        if (b.limit() - at < HEADER || b.get(at + OFF_FORMAT) != RECORD_FORMAT) {
            throw new LarderException("corrupt or unknown record in the RocksDB store: header format "
                    + (b.limit() - at < 1 ? "missing" : Byte.toString(b.get(at + OFF_FORMAT))) + ", length "
                    + (b.limit() - at) + "; this build reads header format " + RECORD_FORMAT);
        }
    }

    // Absolute readers over a record in a buffer at offset `at`, for the read path (no allocation).

    static int bits(ByteBuffer b, int at) {
        return b.get(at + OFF_BITS);
    }

    static int tagLength(ByteBuffer b, int at) {
        return Short.toUnsignedInt(b.getShort(at + OFF_TAG_LENGTH));
    }

    static int flags(ByteBuffer b, int at) {
        return b.getInt(at + OFF_FLAGS);
    }

    static long version(ByteBuffer b, int at) {
        return b.getLong(at + OFF_VERSION);
    }

    static long expiresAt(ByteBuffer b, int at) {
        return b.getLong(at + OFF_EXPIRES);
    }

    static long storedAt(ByteBuffer b, int at) {
        return b.getLong(at + OFF_STORED);
    }

    static long leaseUntil(ByteBuffer b, int at) {
        return b.getLong(at + OFF_LEASE);
    }

    static int valueOffset(ByteBuffer b, int at) {
        return at + HEADER + tagLength(b, at);
    }

    /** The tags of the record (allocates; only called when its tag section is not empty). */
    static List<String> tags(ByteBuffer b, int at) {
        int length = tagLength(b, at);
        if (length == 0) {
            return List.of();
        }
        List<String> tags = new ArrayList<>(4);
        int p = at + HEADER;
        int end = p + length;
        byte[] scratch = new byte[WriteOptions.MAX_TAG_BYTES];
        while (p < end) {
            int n = Byte.toUnsignedInt(b.get(p++));
            b.get(p, scratch, 0, n);
            tags.add(new String(scratch, 0, n, StandardCharsets.UTF_8));
            p += n;
        }
        return List.copyOf(tags);
    }

    // ---- index rows ------------------------------------------------------------------------

    /** A queue row's key: position, then the stored key. Its value is the entry's version. */
    static byte[] queueRow(long position, byte[] storedKey) {
        return ByteBuffer.allocate(8 + storedKey.length).putLong(position).put(storedKey).array();
    }

    /** An expiry row's key: expiresAt, version, then the stored key. */
    static byte[] expiryRow(long expiresAt, long version, byte[] storedKey) {
        return ByteBuffer.allocate(16 + storedKey.length).putLong(expiresAt).putLong(version).put(storedKey).array();
    }

    /** A tag row's key: tag length, tag, version, then the stored key. */
    static byte[] tagRow(byte[] tag, long version, byte[] storedKey) {
        return ByteBuffer.allocate(1 + tag.length + 8 + storedKey.length).put((byte) tag.length).put(tag)
                .putLong(version).put(storedKey).array();
    }

    /** The prefix of every tag row of {@code tag}. */
    static byte[] tagPrefix(byte[] tag) {
        return ByteBuffer.allocate(1 + tag.length).put((byte) tag.length).put(tag).array();
    }

    static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static long longOf(byte[] bytes, int at) {
        return ByteBuffer.wrap(bytes).getLong(at);
    }

    /** A little-endian 64-bit delta, as RocksDB's uint64add merge operator takes it. */
    static byte[] delta(long delta) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(delta).array();
    }

    static long fromDelta(byte[] bytes) {
        return bytes == null ? 0 : ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** The smallest key above every key starting with {@code prefix}, or null when there is none. */
    static byte[] after(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return java.util.Arrays.copyOf(end, i + 1);
            }
        }
        return null;
    }
}
