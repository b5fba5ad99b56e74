package io.larder.engine.lmdb;

import io.larder.spi.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The tag area of a record: per tag, a length byte and the tag's UTF-8 bytes, in the order the
 * write gave them. At most {@link WriteOptions#MAX_TAGS} tags of at most
 * {@link WriteOptions#MAX_TAG_BYTES} bytes each, so the area fits the record header's u16 length.
 */
final class Tags {

    static final byte[] NONE = new byte[0];

    private Tags() {
    }

    /** The tag area of tags already checked by {@link WriteOptions#checkTags}. */
    static byte[] encode(List<String> tags) {
        if (tags.isEmpty()) {
            return NONE;
        }
        byte[][] encoded = new byte[tags.size()][];
        int length = 0;
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = tags.get(i).getBytes(StandardCharsets.UTF_8);
            length += 1 + encoded[i].length;
        }
        byte[] area = new byte[length];
        int at = 0;
        for (byte[] tag : encoded) {
            area[at++] = (byte) tag.length;
            System.arraycopy(tag, 0, area, at, tag.length);
            at += tag.length;
        }
        return area;
    }

    static int count(byte[] area) {
        int n = 0;
        for (int at = 0; at < area.length; at += 1 + Byte.toUnsignedInt(area[at])) {
            n++;
        }
        return n;
    }

    /** The tags of an area, unmodifiable. */
    static List<String> decode(byte[] area) {
        if (area.length == 0) {
            return List.of();
        }
        List<String> tags = new ArrayList<>(4);
        for (int at = 0; at < area.length; ) {
            int n = Byte.toUnsignedInt(area[at]);
            tags.add(new String(area, at + 1, n, StandardCharsets.UTF_8));
            at += 1 + n;
        }
        return Collections.unmodifiableList(tags);
    }
}
