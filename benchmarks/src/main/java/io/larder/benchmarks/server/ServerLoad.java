package io.larder.benchmarks.server;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The same load on larder-server and on a real memcached, one after the other on the same machine:
 * connections that pipeline requests over a fixed key set, get-heavy (90% gets) and set-heavy (90%
 * {@code set}s). Prints throughput and latency percentiles of each, and their ratios (larder /
 * memcached). Not a JMH benchmark: a network load generator, run as
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.larder.benchmarks.server.ServerLoad [seconds] [engine-uri]
 * </pre>
 *
 * It starts {@code memcached} (Debian's package) and {@code server/target/larder-server.jar} itself,
 * each with two threads, and stops both. Latency is measured per request, from the moment its batch
 * is sent to the moment its reply is read, so it includes the wait behind the batch's earlier ones.
 *
 * <p>The get-heavy load reads with the meta command {@code mg <key> v}. memcached 1.6 answers each
 * pipelined text {@code get} with a system call of its own (strace: 32,001 {@code sendmsg} for 2,000
 * batches of 16 gets, against one per batch for {@code mg} and for {@code set}), so a pipelined text
 * {@code get} load measures that call, not the cache: it is run too, as {@code get-heavy/text}, to
 * show it. Clients that wait for each reply (memcaslap, {@link MemcaslapLoad}) never meet it.
 */
public final class ServerLoad {
    private static final int CONNECTIONS = 8;
    private static final int DEPTH = 16;
    private static final int KEYS = 10_000;
    private static final int VALUE_BYTES = 100;

    private ServerLoad() {
    }

    /** How a load reads: meta {@code mg} or text {@code get}. */
    enum Load {
        GET_HEAVY("get-heavy", 90, true), GET_HEAVY_TEXT("get-heavy/text", 90, false), SET_HEAVY("set-heavy", 10, true);

        final String label;
        final int getPercent;
        final boolean meta;

        Load(String label, int getPercent, boolean meta) {
            this.label = label;
            this.getPercent = getPercent;
            this.meta = meta;
        }
    }

    /** What one run measured. */
    record Result(double opsPerSecond, Histogram latency) {
        double micros(double percentile) {
            return latency.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String engine = args.length > 1 ? args[1] : "offheap:?capacity=256m";
        Path jar = Path.of("server/target/larder-server.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw -B -q package -pl server -am");
        }
        int mcPort = freePort();
        int larderPort = freePort();
        Process mc = start(memcachedCommand(mcPort));
        Process larder = start(larderCommand(jar, engine, larderPort));
        try {
            waitFor(mcPort, mc);
            waitFor(larderPort, larder);
            System.out.printf(Locale.ROOT, "%d connections x %d pipelined, %d keys, %d-byte values, %d s per run;"
                    + " larder engine %s%n", CONNECTIONS, DEPTH, KEYS, VALUE_BYTES, seconds, engine);
            System.out.printf(Locale.ROOT, "%-14s %-10s %12s %10s %10s %10s%n", "load", "server", "ops/s",
                    "p50 us", "p99 us", "p99.9 us");
            for (Load load : Load.values()) {
                preload(mcPort);
                preload(larderPort);
                // warm-up: the JVM's compilers need some seconds before the first load is measured
                run(mcPort, load, Math.max(2, seconds / 3));
                run(larderPort, load, Math.max(5, seconds / 2));
                Result m = run(mcPort, load, seconds);
                Result l = run(larderPort, load, seconds);
                print(load.label, "memcached", m);
                print(load.label, "larder", l);
                System.out.printf(Locale.ROOT, "%-14s %-10s %12.2f %10.2f %10.2f %10.2f%n", load.label, "ratio",
                        l.opsPerSecond() / m.opsPerSecond(), l.micros(50) / m.micros(50), l.micros(99) / m.micros(99),
                        l.micros(99.9) / m.micros(99.9));
            }
            System.out.println("get-heavy/text pipelines text gets, which memcached answers with one system call"
                    + " each (see the class comment); get-heavy reads with mg.");
        } finally {
            mc.destroy();
            larder.destroy();
            mc.waitFor(10, TimeUnit.SECONDS);
            larder.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void print(String load, String server, Result r) {
        System.out.printf(Locale.ROOT, "%-14s %-10s %12.0f %10.1f %10.1f %10.1f%n", load, server, r.opsPerSecond(),
                r.micros(50), r.micros(99), r.micros(99.9));
    }

    /** memcached on {@code port}, loopback only, two threads, 256 MB: the larder server's settings. */
    static List<String> memcachedCommand(int port) {
        List<String> command = new ArrayList<>(List.of(onPath("memcached", "memcached"), "-p", String.valueOf(port),
                "-l", "127.0.0.1", "-U", "0", "-t", "2", "-m", "256"));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "root"));
        }
        return command;
    }

    /** The server jar on {@code port} with two network threads, on this JVM. */
    static List<String> larderCommand(Path jar, String engine, int port) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "--engine", engine, "--port", String.valueOf(port), "--threads", "2");
    }

    static String onPath(String program, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException(program + " is not installed (Debian: apt-get install -y " + debianPackage + ")");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    static void waitFor(int port, Process p) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            try {
                new Socket("127.0.0.1", port).close();
                return;
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("server on port " + port + " exited with " + p.exitValue());
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nothing listens on port " + port);
    }

    private static byte[] value() {
        byte[] v = new byte[VALUE_BYTES];
        java.util.Arrays.fill(v, (byte) 'v');
        return v;
    }

    private static void preload(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            byte[] v = value();
            for (int k = 0; k < KEYS; k++) {
                out.write(("set key:" + k + " 0 0 " + VALUE_BYTES + " noreply\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(v);
                out.write('\r');
                out.write('\n');
            }
            out.write("mn\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expectLine(in, "MN");
        }
    }

    private static Result run(int port, Load load, int seconds) throws Exception {
        List<Thread> threads = new ArrayList<>();
        Histogram[] histograms = new Histogram[CONNECTIONS];
        long[] counts = new long[CONNECTIONS];
        Exception[] failure = new Exception[1];
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long start = System.nanoTime();
        for (int c = 0; c < CONNECTIONS; c++) {
            int id = c;
            histograms[c] = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            Thread t = new Thread(() -> {
                try {
                    counts[id] = connection(port, load, end, histograms[id], id);
                } catch (Exception e) {
                    failure[0] = e;
                }
            }, "load-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        long total = 0;
        for (int c = 0; c < CONNECTIONS; c++) {
            all.add(histograms[c]);
            total += counts[c];
        }
        return new Result(total / elapsed, all);
    }

    private static long connection(int port, Load load, long end, Histogram histogram, int seed)
            throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] v = value();
        boolean[] isGet = new boolean[DEPTH];
        long done = 0;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 1 << 16);
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            while (System.nanoTime() < end) {
                for (int i = 0; i < DEPTH; i++) {
                    int key = rnd.nextInt(KEYS);
                    isGet[i] = rnd.nextInt(100) < load.getPercent;
                    if (isGet[i]) {
                        String get = load.meta ? "mg key:" + key + " v\r\n" : "get key:" + key + "\r\n";
                        out.write(get.getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(("set key:" + key + " 0 0 " + VALUE_BYTES + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(v);
                        out.write('\r');
                        out.write('\n');
                    }
                }
                long sent = System.nanoTime();
                out.flush();
                for (int i = 0; i < DEPTH; i++) {
                    if (isGet[i] && load.meta) {
                        String line = readLine(in);
                        if (line.startsWith("VA ")) {
                            in.skipNBytes(VALUE_BYTES + 2);
                        } else {
                            check(line, "EN");
                        }
                    } else if (isGet[i]) {
                        String line = readLine(in);
                        if (line.startsWith("VALUE ")) {
                            in.skipNBytes(VALUE_BYTES + 2);
                            line = readLine(in);
                        }
                        check(line, "END");
                    } else {
                        check(readLine(in), "STORED");
                    }
                    histogram.recordValue(Math.min(System.nanoTime() - sent, TimeUnit.SECONDS.toNanos(10)));
                    done++;
                }
            }
        }
        return done;
    }

    private static void check(String line, String expected) throws IOException {
        if (!line.equals(expected)) {
            throw new IOException("expected " + expected + ", got " + line);
        }
    }

    private static void expectLine(InputStream in, String expected) throws IOException {
        check(readLine(in), expected);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder(16);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            b.append((char) c);
        }
        throw new IOException("connection closed");
    }
}
