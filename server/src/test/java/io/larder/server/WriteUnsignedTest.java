package io.larder.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Numbers in replies (lengths, flags, CAS values) are written as Long.toUnsignedString writes them. */
class WriteUnsignedTest {
    private static String written(long v) {
        ByteBuf buf = Unpooled.buffer(4); // smaller than most numbers: the writer must grow it
        try {
            buf.writeByte('<');
            TextProtocol.writeUnsigned(buf, v);
            buf.writeByte('>');
            return buf.toString(StandardCharsets.US_ASCII);
        } finally {
            buf.release();
        }
    }

    @Test
    void edgesAndRandomValuesMatchTheJdk() {
        long[] edges = {0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 0xFFFF_FFFFL, Long.MAX_VALUE, Long.MIN_VALUE, -1,
            -10, 1_000_000_000_000_000_000L};
        for (long v : edges) {
            assertThat(written(v)).as("%s", Long.toUnsignedString(v)).isEqualTo("<" + Long.toUnsignedString(v) + ">");
        }
        SplittableRandom rnd = new SplittableRandom(13);
        for (int i = 0; i < 2000; i++) {
            long v = rnd.nextLong() >>> rnd.nextInt(64);
            assertThat(written(v)).isEqualTo("<" + Long.toUnsignedString(v) + ">");
        }
    }
}
