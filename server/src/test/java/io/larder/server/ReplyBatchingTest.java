package io.larder.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replies to the requests of one read go to the network as one buffer: each buffer handed over costs
 * a trip through the pipeline and an entry in the channel's outbound queue, so a reply per buffer
 * would cost every small {@code get} twice.
 */
class ReplyBatchingTest {
    private StorageEngine engine;
    private EmbeddedChannel channel;

    @BeforeEach
    void open() {
        engine = Larder.open("heap:?capacity=4m");
        ServerContext server = new ServerContext(engine, ServerOptions.defaults(), null, 0);
        channel = new EmbeddedChannel(new Connection(server));
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        engine.close();
    }

    private List<String> send(String requests) {
        channel.writeInbound(Unpooled.copiedBuffer(requests, StandardCharsets.US_ASCII));
        List<String> buffers = new ArrayList<>();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            if (b.isReadable()) {
                buffers.add(b.toString(StandardCharsets.US_ASCII));
            }
            b.release();
        }
        return buffers;
    }

    @Test
    void oneGetIsOneBuffer() {
        send("set k 0 0 5 noreply\r\nhello\r\n");
        assertThat(send("get k\r\n")).containsExactly("VALUE k 0 5\r\nhello\r\nEND\r\n");
    }

    @Test
    void pipelinedGetsAndAMultiGetAreOneBuffer() {
        StringBuilder sets = new StringBuilder();
        StringBuilder gets = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sets.append("set key:").append(i).append(" 7 0 3 noreply\r\nv").append(i % 10).append("x\r\n");
            gets.append("get key:").append(i).append("\r\n");
            expected.append("VALUE key:").append(i).append(" 7 3\r\nv").append(i % 10).append("x\r\nEND\r\n");
        }
        send(sets.toString());
        gets.append("get key:0 missing key:1\r\n");
        expected.append("VALUE key:0 7 3\r\nv0x\r\nVALUE key:1 7 3\r\nv1x\r\nEND\r\n");
        assertThat(send(gets.toString())).containsExactly(expected.toString());
    }

    @Test
    void aMultiGetLargerThanAChunkIsStillAnsweredWhole() {
        String value = "x".repeat(1000);
        StringBuilder keys = new StringBuilder("get");
        for (int i = 0; i < 40; i++) {
            send("set big:" + i + " 0 0 1000 noreply\r\n" + value + "\r\n");
            keys.append(" big:").append(i);
        }
        String all = String.join("", send(keys + "\r\n"));
        assertThat(all).startsWith("VALUE big:0 0 1000\r\n").endsWith("\r\nEND\r\n");
        assertThat(all.split("VALUE ", -1)).hasSize(41);
    }
}
