package io.larder.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated bytes, text and binary, on many connections at once, some of which never
 * read their replies, against a server in a child JVM with a small heap: the server stays up, a
 * well-behaved client is answered throughout, and the heap limit is never hit.
 */
class FuzzTest {
    private static final int CONNECTIONS = 16;
    private static final long MILLIS = Long.getLong("larder.server.fuzz.millis", 8_000);
    private static final int ROUNDS = 400;

    private static final String[] SEEDS = {
        "set k 0 0 5\r\nhello\r\n", "get k k k\r\n", "gets k\r\n", "cas k 0 0 1 1\r\nx\r\n", "incr k 1\r\n",
        "delete k\r\n", "touch k 10\r\n", "gat 10 k\r\n", "append k 0 0 1\r\nx\r\n", "flush_all\r\n",
        "mg k v c t f s k q h l O1 N10 R5 T10\r\n", "ms k 5 T10 F1 c I MA\r\nhello\r\n", "md k I T10 q\r\n",
        "ma k N10 J5 D2 MD v\r\n", "mn\r\n", "me k\r\n", "stats\r\n", "stats settings\r\n", "verbosity 1\r\n",
        "set k 0 0 4294967295\r\n", "get " + "k".repeat(300) + "\r\n", "set big 0 0 900000\r\n",
    };

    private static byte[] binary(Random rnd) {
        int key = rnd.nextInt(20);
        int extras = rnd.nextInt(4) == 0 ? rnd.nextInt(256) : pickExtras(rnd);
        int body = rnd.nextInt(8) == 0 ? rnd.nextInt() : key + extras + rnd.nextInt(50);
        ByteBuffer b = ByteBuffer.allocate(24 + key + extras + 50);
        b.put((byte) 0x80).put((byte) rnd.nextInt(0x30)).putShort((short) key).put((byte) extras).put((byte) 0)
                .putShort((short) 0).putInt(body).putInt(rnd.nextInt()).putLong(rnd.nextInt(3) == 0 ? rnd.nextLong() : 0);
        while (b.hasRemaining()) {
            b.put((byte) rnd.nextInt(256));
        }
        return b.array();
    }

    private static int pickExtras(Random rnd) {
        int[] e = {0, 4, 8, 20};
        return e[rnd.nextInt(e.length)];
    }

    private static byte[] chunk(Random rnd, boolean binary) {
        if (binary) {
            return binary(rnd);
        }
        int r = rnd.nextInt(10);
        if (r < 2) {
            byte[] junk = new byte[1 + rnd.nextInt(r == 0 ? 20_000 : 200)];
            rnd.nextBytes(junk);
            return junk;
        }
        byte[] s = SEEDS[rnd.nextInt(SEEDS.length)].getBytes(StandardCharsets.ISO_8859_1);
        int flips = rnd.nextInt(4);
        for (int i = 0; i < flips; i++) {
            s[rnd.nextInt(s.length)] = (byte) (rnd.nextInt(3) == 0 ? ' ' : rnd.nextInt(256));
        }
        return s;
    }

    private static long fuzz(int port, int worker, long deadline) {
        Random rnd = new Random(worker);
        boolean reads = worker % 3 != 0;
        boolean binary = worker % 4 == 1;
        long sent = 0;
        ByteBuffer sink = ByteBuffer.allocate(64 << 10);
        for (int round = 0; round < ROUNDS && System.currentTimeMillis() < deadline; round++) {
            try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                ch.configureBlocking(false);
                if (rnd.nextInt(5) == 0) {
                    ch.setOption(StandardSocketOptions.SO_LINGER, 0); // ends with a reset
                }
                int writes = 1 + rnd.nextInt(40);
                for (int w = 0; w < writes && System.currentTimeMillis() < deadline; w++) {
                    Thread.sleep(1); // many connections, not a busy loop that starves a loaded machine
                    ByteBuffer out = ByteBuffer.wrap(chunk(rnd, binary));
                    int idle = 0;
                    while (out.hasRemaining() && idle < 20) {
                        int n = ch.write(out);
                        sent += n;
                        idle = n == 0 ? idle + 1 : 0;
                        if (reads) {
                            sink.clear();
                            if (ch.read(sink) < 0) {
                                break;
                            }
                        }
                        if (n == 0) {
                            Thread.sleep(1);
                        }
                    }
                }
            } catch (IOException e) {
                // the server closed this connection: what it should do with garbage
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return sent;
    }

    @Test
    void serverSurvivesAndKeepsAnsweringAWellBehavedClient() throws Exception {
        try (ChildServer server = new ChildServer(List.of("-Xmx96m", "-XX:+ExitOnOutOfMemoryError"),
                "--engine", "heap:?capacity=16m", "--port", "0", "--threads", "2")) {
            long deadline = System.currentTimeMillis() + MILLIS;
            ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
            List<Future<Long>> workers = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                int worker = i;
                workers.add(pool.submit(() -> fuzz(server.port, worker, deadline)));
            }
            AtomicLong answered = new AtomicLong();
            try (RawClient good = new RawClient(server.port)) {
                for (int i = 0; i < 10_000 && System.currentTimeMillis() < deadline; i++) {
                    String value = "v" + i;
                    String reply = good.exchange("set good 0 0 " + value.length() + "\r\n" + value + "\r\nget good\r\n");
                    // the fuzz may flush everything between the set and the get; nothing else differs
                    assertThat(reply).isIn("STORED\r\nVALUE good 0 " + value.length() + "\r\n" + value + "\r\nEND\r\n",
                            "STORED\r\nEND\r\n");
                    answered.incrementAndGet();
                    Thread.sleep(50);
                }
            }
            long sent = 0;
            for (Future<Long> f : workers) {
                sent += f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(sent).as("bytes of fuzz sent").isGreaterThan(100_000);
            // every exchange above was answered within the client's timeout; on a loaded machine
            // there may be few of them
            assertThat(answered.get()).isGreaterThanOrEqualTo(2);
            assertThat(server.process.isAlive()).as(server.output()).isTrue();
            try (RawClient after = new RawClient(server.port)) {
                assertThat(after.exchange("set after 0 0 2\r\nok\r\nget after\r\n"))
                        .isEqualTo("STORED\r\nVALUE after 0 2\r\nok\r\nEND\r\n");
            }
            assertThat(server.output()).doesNotContain("OutOfMemoryError").doesNotContain("Exception");
        }
    }
}
