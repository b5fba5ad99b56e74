package io.larder.engine.offheap;

import io.larder.spi.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.openhft.chronicle.bytes.RandomDataInput;

/**
 * The tags section of an entry (see {@link EntryHeader}): its total size after the size field (2
 * bytes), the count (1 byte), then each tag as its UTF-8 length (1 byte) and bytes. At most 16 tags
 * of at most 250 bytes each, so the section stays under 4 KiB and its size fits 2 bytes.
 */
final class TagCodec {

    /** The longest section: {@link WriteOptions#MAX_TAGS} tags of {@link WriteOptions#MAX_TAG_BYTES}. */
    static final int MAX_LENGTH = 2 + 1 + WriteOptions.MAX_TAGS * (1 + WriteOptions.MAX_TAG_BYTES);

    private TagCodec() {
    }

    /** The section for {@code tags} (already checked by the SPI), or null for none. */
    static byte[] encode(List<String> tags) {
        if (tags.isEmpty()) {
            return null;
        }
        byte[][] utf8 = new byte[tags.size()][];
        int size = 1;
        for (int i = 0; i < utf8.length; i++) {
            utf8[i] = tags.get(i).getBytes(StandardCharsets.UTF_8);
            size += 1 + utf8[i].length;
        }
        byte[] section = new byte[2 + size];
        section[0] = (byte) size;
        section[1] = (byte) (size >>> 8);
        section[2] = (byte) utf8.length;
        int at = 3;
        for (byte[] tag : utf8) {
            section[at++] = (byte) tag.length;
            System.arraycopy(tag, 0, section, at, tag.length);
            at += tag.length;
        }
        return section;
    }

    /** Bytes the section at {@code offset} takes, its size field included. */
    static int length(RandomDataInput in, long offset) {
        return 2 + (in.readUnsignedByte(offset) | (in.readUnsignedByte(offset + 1) << 8));
    }

    /** The tags of the section at {@code offset}. */
    static List<String> decode(RandomDataInput in, long offset) {
        int count = in.readUnsignedByte(offset + 2);
        String[] tags = new String[count];
        long at = offset + 3;
        for (int i = 0; i < count; i++) {
            int length = in.readUnsignedByte(at);
            byte[] bytes = new byte[length];
            in.read(at + 1, bytes, 0, length);
            tags[i] = new String(bytes, StandardCharsets.UTF_8);
            at += 1 + length;
        }
        return List.of(tags);
    }
}
