package io.larder.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The text protocol, byte for byte as memcached 1.6 answers (each reply checked against it). */
class TextProtocolTest {
    private static ServerFixture fixture;

    @BeforeAll
    static void start() {
        fixture = new ServerFixture();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static String exchange(String request) throws IOException {
        try (RawClient c = fixture.client()) {
            return c.exchange(request);
        }
    }

    @Test
    void storageAndRetrieval() throws IOException {
        assertThat(exchange("set t1 5 0 2\r\nhi\r\nget t1 nope t1\r\n"))
                .isEqualTo("STORED\r\nVALUE t1 5 2\r\nhi\r\nVALUE t1 5 2\r\nhi\r\nEND\r\n");
        assertThat(exchange("gets t1\r\n")).matches("VALUE t1 5 2 \\d+\r\nhi\r\nEND\r\n");
        assertThat(exchange("add t1 0 0 1\r\nx\r\nreplace t1nope 0 0 1\r\nx\r\nappend t1 0 0 1\r\n!\r\n"
                + "prepend t1 0 0 1\r\n<\r\nget t1\r\n"))
                .isEqualTo("NOT_STORED\r\nNOT_STORED\r\nSTORED\r\nSTORED\r\nVALUE t1 5 4\r\n<hi!\r\nEND\r\n");
    }

    @Test
    void casUsesTheVersionFromGets() throws IOException {
        try (RawClient c = fixture.client()) {
            c.send("set t2 0 0 1\r\na\r\ngets t2\r\n");
            assertThat(c.line()).isEqualTo("STORED");
            String[] header = c.line().split(" ");
            c.line();
            c.line();
            long cas = Long.parseLong(header[4]);
            c.send("cas t2 0 0 1 " + (cas + 1) + "\r\nb\r\ncas t2 0 0 1 " + cas + "\r\nc\r\ncas t2nope 0 0 1 1\r\nd\r\n"
                    + "cas t2 0 0 1 0\r\ne\r\n");
            assertThat(c.line()).isEqualTo("EXISTS");
            assertThat(c.line()).isEqualTo("STORED");
            assertThat(c.line()).isEqualTo("NOT_FOUND");
            assertThat(c.line()).isEqualTo("EXISTS");
        }
    }

    @Test
    void countersTouchDeleteAndTheirErrors() throws IOException {
        assertThat(exchange("incr t3 1\r\nset t3 0 0 2\r\n10\r\nincr t3 5\r\ndecr t3 100\r\nincr t3 abc\r\n"
                + "incr t3 -1\r\nincr t3 18446744073709551615\r\nset t3s 0 0 1\r\nx\r\nincr t3s 1\r\n"))
                .isEqualTo("NOT_FOUND\r\nSTORED\r\n15\r\n0\r\nCLIENT_ERROR invalid numeric delta argument\r\n"
                        + "CLIENT_ERROR invalid numeric delta argument\r\n18446744073709551615\r\nSTORED\r\n"
                        + "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
        assertThat(exchange("set t4 0 0 1\r\nx\r\ntouch t4 10\r\ntouch t4nope 10\r\ngat 0 t4 t4nope\r\ngat t4\r\n"
                + "touch t4\r\ntouch t4 abc\r\n"))
                .isEqualTo("STORED\r\nTOUCHED\r\nNOT_FOUND\r\nVALUE t4 0 1\r\nx\r\nEND\r\n"
                        + "CLIENT_ERROR invalid exptime argument\r\nERROR\r\nCLIENT_ERROR invalid exptime argument\r\n");
        assertThat(exchange("delete t4 0\r\ndelete t4 5\r\ndelete t4 noreply\r\ndelete t4\r\n"))
                .isEqualTo("DELETED\r\nCLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n"
                        + "NOT_FOUND\r\n");
    }

    @Test
    void malformedCommandsGetMemcachedsErrors() throws IOException {
        assertThat(exchange("set t5 0 0 -1\r\nx\r\n")).isEqualTo("CLIENT_ERROR bad command line format\r\nERROR\r\n");
        assertThat(exchange("set t5 0 0 1\r\nxyz\r\n")).isEqualTo("CLIENT_ERROR bad data chunk\r\nERROR\r\n");
        assertThat(exchange("set t5 abc 0 1\r\nx\r\n")).isEqualTo("CLIENT_ERROR bad command line format\r\nERROR\r\n");
        assertThat(exchange("set t5 0 0\r\nx\r\n")).isEqualTo("ERROR\r\nERROR\r\n");
        assertThat(exchange("set " + "k".repeat(251) + " 0 0 1\r\nx\r\n"))
                .isEqualTo("CLIENT_ERROR bad command line format\r\nERROR\r\n");
        assertThat(exchange("get " + "k".repeat(251) + "\r\n")).isEqualTo("CLIENT_ERROR bad command line format\r\n");
        assertThat(exchange("get\r\nbogus\r\n\r\nGET a\r\n")).isEqualTo("ERROR\r\nERROR\r\nERROR\r\nERROR\r\n");
        assertThat(exchange("flush_all abc\r\nverbosity\r\nverbosity 1\r\nversion\r\n"))
                .startsWith("CLIENT_ERROR invalid exptime argument\r\nERROR\r\nOK\r\nVERSION ");
        // noreply silences errors of the command too, as in memcached
        assertThat(exchange("set t6 0 0 1 noreply\r\nx\r\nset t6 0 0 1 noreply\r\nxyz\r\nget t6\r\n"))
                .isEqualTo("ERROR\r\nVALUE t6 0 1\r\nx\r\nEND\r\n");
    }

    @Test
    void aValueAboveTheItemLimitIsDiscardedAsItArrivesAndDropsTheOldValue() throws IOException {
        try (RawClient c = fixture.client()) {
            c.send("set t7 0 0 1\r\nx\r\n");
            assertThat(c.line()).isEqualTo("STORED");
            int declared = 3 << 20;
            c.send("set t7 0 0 " + declared + "\r\n");
            byte[] chunk = new byte[64 << 10];
            for (int sent = 0; sent < declared; sent += chunk.length) {
                c.send(java.util.Arrays.copyOf(chunk, Math.min(chunk.length, declared - sent)));
            }
            c.send("\r\nget t7\r\n");
            assertThat(c.line()).isEqualTo("SERVER_ERROR object too large for cache");
            assertThat(c.line()).isEqualTo("END");
        }
    }

    @Test
    void aLineWithoutEndBeyondTheLimitClosesTheConnection() throws IOException {
        try (RawClient c = fixture.client()) {
            c.send("y".repeat(10_000));
            assertThat(c.closedByServer(5_000)).isTrue();
        }
        // a long complete line arriving at once is answered, as memcached answers it
        assertThat(exchange("x".repeat(3000) + "\r\n")).isEqualTo("ERROR\r\n");
        // a retrieval line may be longer
        StringBuilder get = new StringBuilder("get");
        for (int i = 0; i < 2000; i++) {
            get.append(" nokey").append(i);
        }
        assertThat(exchange(get + "\r\n")).isEqualTo("END\r\n");
    }

    @Test
    void quitClosesAndOtherConnectionsGoOn() throws IOException {
        try (RawClient c = fixture.client(); RawClient other = fixture.client()) {
            c.send("quit\r\nget a\r\n");
            assertThat(c.closedByServer(5_000)).isTrue();
            other.send("version\r\n");
            assertThat(other.line()).startsWith("VERSION ");
        }
    }

    @Test
    void thousandsOfPipelinedRequestsAreAnsweredInOrder() throws IOException {
        int n = 5000;
        StringBuilder req = new StringBuilder();
        for (int i = 0; i < n; i++) {
            req.append("set p").append(i).append(" 0 0 ").append(String.valueOf(i).length()).append("\r\n")
                    .append(i).append("\r\n");
            req.append("get p").append(i).append("\r\n");
        }
        try (RawClient c = fixture.client()) {
            c.send(req.toString());
            for (int i = 0; i < n; i++) {
                assertThat(c.line()).isEqualTo("STORED");
                assertThat(c.line()).isEqualTo("VALUE p" + i + " 0 " + String.valueOf(i).length());
                assertThat(c.line()).isEqualTo(String.valueOf(i));
                assertThat(c.line()).isEqualTo("END");
            }
        }
    }

    @Test
    void aClientThatDoesNotReadIsNotBufferedWithoutBound() throws Exception {
        byte[] big = new byte[256 << 10];
        java.util.Arrays.fill(big, (byte) 'v');
        fixture.engine.set(io.larder.spi.Key.of("big"), big);
        long before = statValue("bytes_written");
        byte[] request = "get big\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        long sent = 0;
        // asks for ~25 GB of replies and reads none of them, for a bounded count and time
        try (SocketChannel slow = SocketChannel.open(new InetSocketAddress("127.0.0.1", fixture.port()))) {
            slow.configureBlocking(false);
            long deadline = System.nanoTime() + 3_000_000_000L;
            int idle = 0;
            for (int round = 0; round < 100 && System.nanoTime() < deadline && idle < 20; round++) {
                ByteBuffer buf = ByteBuffer.wrap(request);
                int wrote = slow.write(buf);
                sent += wrote;
                idle = wrote == 0 ? idle + 1 : 0;
                Thread.sleep(20);
            }
            // meanwhile other clients are served
            assertThat(exchange("version\r\n")).startsWith("VERSION ");
            long written = statValue("bytes_written") - before;
            assertThat(sent).as("the client was able to ask for much").isGreaterThan(100_000);
            // the server handed to the network only what the socket buffers and its own limit hold
            assertThat(written).isLessThan(64L << 20);
        }
    }

    @Test
    void statsSettingsAndGeneral() throws IOException {
        String stats = exchange("stats\r\n");
        assertThat(stats).contains("STAT curr_connections ").contains("STAT cmd_get ").contains("STAT auth_errors 0")
                .endsWith("END\r\n");
        String settings = exchange("stats settings\r\n");
        assertThat(settings).contains("STAT maxconns 1024").contains("STAT udpport 0").contains("STAT inter 127.0.0.1")
                .contains("STAT item_size_max 1048576").endsWith("END\r\n");
        assertThat(exchange("stats nonsense\r\n")).isEqualTo("ERROR\r\n");
    }

    @Test
    void connectionsAboveTheLimitAreRefused() throws Exception {
        try (ServerFixture small = new ServerFixture(ServerOptions.defaults().withMaxConnections(2))) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    RawClient c = small.client();
                    clients.add(c);
                    c.send("version\r\n");
                    assertThat(c.line()).startsWith("VERSION");
                }
                try (RawClient third = small.client()) {
                    assertThat(third.line()).isEqualTo("ERROR Too many open connections");
                    assertThat(third.closedByServer(5_000)).isTrue();
                }
            } finally {
                for (RawClient c : clients) {
                    c.close();
                }
            }
        }
    }

    static long statValue(String name) throws IOException {
        for (String line : exchange("stats\r\n").split("\r\n")) {
            if (line.startsWith("STAT " + name + " ")) {
                return Long.parseLong(line.substring(6 + name.length()));
            }
        }
        throw new AssertionError("no stat " + name);
    }
}
