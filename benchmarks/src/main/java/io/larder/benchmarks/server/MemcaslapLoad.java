package io.larder.benchmarks.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The second load generator beside {@link ServerLoad}: libmemcached's {@code memcaslap} (Debian's
 * {@code libmemcached-tools}), a C client whose 16 concurrent clients each wait for one reply before
 * sending the next request, as most applications do. It drives a real memcached and larder-server
 * (both with two threads, started here) in turns, get-heavy (90% gets) and set-heavy (90% sets),
 * 64-byte keys and 100-byte values, and prints for each round the throughput of each and the CPU
 * time each server spent per operation (its own process's, so another program on the machine
 * shifts it less than throughput), with their ratios (larder / memcached). Run as
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.larder.benchmarks.server.MemcaslapLoad [seconds] [engine-uri] [rounds]
 * </pre>
 *
 * The get-heavy form is {@code memcaslap -s <server> -T 2 -c 16 -X 100 -t <seconds>s}; the set-heavy
 * one gives memcaslap a configuration with the proportions swapped.
 */
public final class MemcaslapLoad {
    private static final Pattern TOTALS = Pattern.compile("^Run time: \\S+ Ops: (\\d+) TPS: (\\d+)", Pattern.MULTILINE);

    private MemcaslapLoad() {
    }

    /** One server's turn: operations, throughput, and the server's CPU time per operation. */
    record Turn(long ops, long tps, double cpuMicrosPerOp) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String engine = args.length > 1 ? args[1] : "offheap:?capacity=256m";
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path jar = Path.of("server/target/larder-server.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw -B -q package -pl server -am");
        }
        String memcaslap = ServerLoad.onPath("memcaslap", "libmemcached-tools");
        Path config = Files.createTempFile("memcaslap", ".cfg");
        int mcPort = ServerLoad.freePort();
        int larderPort = ServerLoad.freePort();
        Process mc = ServerLoad.start(ServerLoad.memcachedCommand(mcPort));
        Process larder = ServerLoad.start(ServerLoad.larderCommand(jar, engine, larderPort));
        try {
            ServerLoad.waitFor(mcPort, mc);
            ServerLoad.waitFor(larderPort, larder);
            System.out.printf(Locale.ROOT, "memcaslap -T 2 -c 16, 64-byte keys, 100-byte values, %d s per turn, %d rounds"
                    + " alternating; larder engine %s%n", seconds, rounds, engine);
            System.out.printf(Locale.ROOT, "%-10s %-6s %12s %12s %10s %12s %12s %10s%n", "load", "round", "memcached/s",
                    "larder/s", "ratio", "mc cpu us/op", "larder us/op", "ratio");
            for (int getPercent : new int[] {90, 10}) {
                String load = getPercent == 90 ? "get-heavy" : "set-heavy";
                // memcaslap's configuration: key and value sizes, then the proportion of sets (0) and gets (1)
                Files.writeString(config, "key\n64 64 1\nvalue\n100 100 1\ncmd\n0 " + (100 - getPercent) / 100.0
                        + "\n1 " + getPercent / 100.0 + "\n", StandardCharsets.US_ASCII);
                turn(memcaslap, config, larderPort, larder, Math.max(2, seconds / 2)); // warm-up, the JIT above all
                turn(memcaslap, config, mcPort, mc, Math.max(2, seconds / 2));
                double[] tpsRatios = new double[rounds];
                double[] cpuRatios = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    Turn m = turn(memcaslap, config, mcPort, mc, seconds);
                    Turn l = turn(memcaslap, config, larderPort, larder, seconds);
                    tpsRatios[r] = (double) l.tps() / m.tps();
                    cpuRatios[r] = l.cpuMicrosPerOp() / m.cpuMicrosPerOp();
                    System.out.printf(Locale.ROOT, "%-10s %-6d %12d %12d %10.2f %12.2f %12.2f %10.2f%n", load, r + 1,
                            m.tps(), l.tps(), tpsRatios[r], m.cpuMicrosPerOp(), l.cpuMicrosPerOp(), cpuRatios[r]);
                }
                System.out.printf(Locale.ROOT, "%-10s %-6s %12s %12s %10.2f %12s %12s %10.2f%n", load, "median", "", "",
                        median(tpsRatios), "", "", median(cpuRatios));
            }
        } finally {
            mc.destroy();
            larder.destroy();
            mc.waitFor(10, TimeUnit.SECONDS);
            larder.waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(config);
        }
    }

    private static Turn turn(String memcaslap, Path config, int port, Process server, int seconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(memcaslap, "-s", "127.0.0.1:" + port, "-T", "2", "-c", "16",
                "-F", config.toString(), "-t", seconds + "s"));
        Duration before = cpu(server);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("memcaslap did not finish:\n" + output);
        }
        Duration used = cpu(server).minus(before);
        Matcher m = TOTALS.matcher(output);
        if (p.exitValue() != 0 || !m.find()) {
            throw new IllegalStateException("memcaslap failed (exit " + p.exitValue() + "):\n" + output);
        }
        long ops = Long.parseLong(m.group(1));
        return new Turn(ops, Long.parseLong(m.group(2)), used.toNanos() / 1000.0 / Math.max(1, ops));
    }

    private static Duration cpu(Process server) {
        return server.info().totalCpuDuration().orElseThrow(
                () -> new IllegalStateException("this system does not tell a process's CPU time"));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
