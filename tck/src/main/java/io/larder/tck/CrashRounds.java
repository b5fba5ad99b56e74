package io.larder.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Entry;
import io.larder.spi.Key;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.tck.CrashWorker.Kind;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The crash suite's parent: runs rounds of a {@link CrashWorker} child killed with SIGKILL at a
 * random moment, and after each checks every write the child acknowledged, that versions never
 * repeat across all rounds, and that the reopened store keeps working.
 */
final class CrashRounds {

    /** What a key must hold: the write (round, thread, seq) and its version; absent when not in the map. */
    private record Written(int round, int thread, long seq, long version) {
    }

    /** The op a thread had in flight when it was killed: it may or may not have landed. */
    private record InFlight(int thread, long seq, Kind kind, int target) {
    }

    private final EngineUnderTest underTest;
    private final String factoryClass;
    private final int threads;
    private final Duration firstAckTimeout;
    private final Map<Key, Written> expected = new HashMap<>();
    private final Set<Long> ackedVersions = new HashSet<>();
    private long highestVersion;
    private long counter;

    CrashRounds(EngineUnderTest underTest, String factoryClass, int threads) {
        this(underTest, factoryClass, threads, Duration.ofSeconds(60));
    }

    /** As the kit runs it, but waiting {@code firstAckTimeout} (60 s in the kit) for a child's first acknowledgement. */
    CrashRounds(EngineUnderTest underTest, String factoryClass, int threads, Duration firstAckTimeout) {
        this.underTest = underTest;
        this.factoryClass = factoryClass;
        this.threads = threads;
        this.firstAckTimeout = firstAckTimeout;
    }

    /** Runs one round: start, kill, reopen, check. */
    void round(int round, SplittableRandom random) throws Exception {
        Path logs = Files.createTempDirectory("larder-crash-");
        try {
            Path output = logs.resolve("child.out");
            Process child = start(round, logs, output);
            try {
                long deadline = System.nanoTime() + firstAckTimeout.toNanos();
                // The random moment is counted from the first acknowledged write, however slow the start.
                while (!anyAck(logs) && child.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(child.isAlive()).as("worker of round %d runs (output: %s)", round, read(output)).isTrue();
                // Killing a child that acknowledged nothing would check nothing.
                assertThat(anyAck(logs)).as("worker of round %d acknowledged no write within %d s of starting (a "
                        + "slow open, or writes that never return); output: %s", round,
                        firstAckTimeout.toSeconds(), read(output)).isTrue();
                Thread.sleep(50 + random.nextInt(400));
                assertThat(child.isAlive()).as("worker of round %d still runs (output: %s)", round, read(output))
                        .isTrue();
            } finally {
                child.destroyForcibly();
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("killed worker exits").isTrue();
            }
            assertThat(read(output)).as("worker of round %d reported no failure", round).doesNotContain("FAIL");
            check(round, logs);
        } finally {
            EngineUnderTest.deleteRecursively(logs);
        }
    }

    private boolean anyAck(Path logs) throws IOException {
        for (int t = 0; t < threads; t++) {
            Path log = logs.resolve("t" + t + ".log");
            if (Files.exists(log) && Files.size(log) > 0) {
                return true;
            }
        }
        return false;
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    }

    private void check(int round, Path logs) throws IOException {
        long highestBefore = highestVersion;
        long acknowledgedIncrements = 0;
        long acknowledgedWrites = 0;
        List<InFlight> inFlight = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String text = read(logs.resolve("t" + t + ".log"));
            // A last line the kill cut short (no newline) was never acknowledged: its op is in flight.
            String whole = text.substring(0, text.lastIndexOf('\n') + 1);
            long seq = 0;
            long threadHighest = 0;
            for (String line : whole.isEmpty() ? new String[0] : whole.split("\n")) {
                String[] f = line.split(" ");
                assertThat(Long.parseLong(f[0])).as("thread %d acknowledged its ops in order", t).isEqualTo(seq);
                Kind kind = CrashWorker.op(round, t, seq);
                int target = CrashWorker.target(round, t, seq);
                long version = Long.parseLong(f[1]);
                switch (kind) {
                    case SET: case CAS: case SET_VARIANT: case INCREMENT:
                        assertThat(version).as("round %d thread %d op %d (%s): a version above every version of "
                                + "earlier rounds (%d) and of the thread's earlier ops", round, t, seq, kind,
                                highestBefore).isGreaterThan(Math.max(highestBefore, threadHighest));
                        assertThat(ackedVersions.add(version)).as("round %d thread %d op %d: version %d handed out "
                                + "twice", round, t, seq, version).isTrue();
                        threadHighest = version;
                        highestVersion = Math.max(highestVersion, version);
                        break;
                    default:
                }
                switch (kind) {
                    case SET: case CAS:
                        expected.put(CrashWorker.key(t, target), new Written(round, t, seq, version));
                        break;
                    case SET_VARIANT:
                        expected.put(CrashWorker.variant(t, target), new Written(round, t, seq, version));
                        break;
                    case DELETE:
                        expected.remove(CrashWorker.key(t, target));
                        break;
                    case INVALIDATE:
                        for (int v = 0; v < CrashWorker.VARIANTS; v++) {
                            expected.remove(CrashWorker.variant(t, v));
                        }
                        break;
                    default:
                        acknowledgedIncrements++;
                }
                acknowledgedWrites++;
                seq++;
            }
            inFlight.add(new InFlight(t, seq, CrashWorker.op(round, t, seq), CrashWorker.target(round, t, seq)));
        }
        assertThat(acknowledgedWrites).as("round %d acknowledged writes", round).isPositive();

        StorageEngine e = underTest.openAgain();
        try {
            for (int t = 0; t < threads; t++) {
                InFlight pending = inFlight.get(t);
                for (int i = 0; i < CrashWorker.KEYS_PER_THREAD; i++) {
                    checkKey(round, e, CrashWorker.key(t, i), pending, highestBefore);
                }
                for (int v = 0; v < CrashWorker.VARIANTS; v++) {
                    checkKey(round, e, CrashWorker.variant(t, v), pending, highestBefore);
                }
            }
            Entry counterEntry = e.get(CrashWorker.COUNTER);
            assertThat(counterEntry).as("the counter after round %d", round).isNotNull();
            long stored = Long.parseLong(counterEntry.valueAsString());
            long mayHaveLanded = inFlight.stream().filter(f -> f.kind() == Kind.INCREMENT).count();
            assertThat(stored).as("counter after round %d: %d before, %d acknowledged increments, %d in flight",
                    round, counter, acknowledgedIncrements, mayHaveLanded)
                    .isBetween(counter + acknowledgedIncrements, counter + acknowledgedIncrements + mayHaveLanded);
            counter = stored;
            highestVersion = Math.max(highestVersion, counterEntry.version());
            // The store keeps working after the crash.
            Key probe = Key.of("crash-probe");
            long version = e.set(probe, TckValues.bytes("round " + round));
            assertThat(version).as("a write after round %d's crash gets a new version", round)
                    .isGreaterThan(highestVersion);
            assertThat(e.get(probe).valueAsString()).isEqualTo("round " + round);
            assertThat(e.delete(probe).status()).isEqualTo(Outcome.Status.DELETED);
            highestVersion = version;
        } finally {
            underTest.closeEngine();
        }
    }

    private void checkKey(int round, StorageEngine e, Key key, InFlight pending, long highestBefore) {
        Entry actual = e.get(key);
        Written want = expected.get(key);
        boolean pendingHere = pending.kind() == Kind.SET || pending.kind() == Kind.CAS || pending.kind() == Kind.DELETE
                ? key.equals(CrashWorker.key(pending.thread(), pending.target()))
                : pending.kind() == Kind.SET_VARIANT ? key.equals(CrashWorker.variant(pending.thread(),
                        pending.target()))
                : pending.kind() == Kind.INVALIDATE && key.primaryAsString().equals(CrashWorker.page(pending.thread()));
        if (pendingHere) {
            boolean landedAsWrite = actual != null && pending.kind() != Kind.DELETE
                    && pending.kind() != Kind.INVALIDATE
                    && Arrays.equals(actual.value(), CrashWorker.value(round, pending.thread(), pending.seq()));
            if (landedAsWrite) {
                assertThat(actual.version()).as("%s holds the write in flight at the kill, with a new version", key)
                        .isGreaterThan(highestBefore);
                assertThat(ackedVersions.contains(actual.version())).as("%s: the in-flight write's version %d is "
                        + "not one acknowledged before", key, actual.version()).isFalse();
                expected.put(key, new Written(round, pending.thread(), pending.seq(), actual.version()));
                highestVersion = Math.max(highestVersion, actual.version());
                return;
            }
            if (actual == null && (pending.kind() == Kind.DELETE || pending.kind() == Kind.INVALIDATE)) {
                expected.remove(key);
                return;
            }
        }
        if (want == null) {
            assertThat(actual).as("round %d: %s was acknowledged deleted (or never written)", round, key).isNull();
            return;
        }
        assertThat(actual).as("round %d: %s holds the acknowledged write: op %d of thread %d in round %d", round,
                key, want.seq(), want.thread(), want.round()).isNotNull();
        assertThat(actual.value()).as("round %d: %s value of op %d of thread %d in round %d; the store holds '%s'",
                round, key, want.seq(), want.thread(), want.round(), actual.valueAsString())
                .isEqualTo(CrashWorker.value(want.round(), want.thread(), want.seq()));
        assertThat(actual.version()).as("round %d: %s version", round, key).isEqualTo(want.version());
    }

    private Process start(int round, Path logs, Path output) throws IOException {
        TckSetup setup = underTest.setup();
        List<String> command = new ArrayList<>(ChildJvm.command());
        command.add(CrashWorker.class.getName());
        command.add(factoryClass);
        command.add(setup.directory().toString());
        command.add(Long.toString(setup.capacity()));
        command.add(Long.toString(setup.maxValueSize()));
        command.add(Integer.toString(round));
        command.add(Integer.toString(threads));
        command.add(logs.toString());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** How the kit starts a child JVM: this JVM's java, its engine flags and its class path. */
    static final class ChildJvm {
        private ChildJvm() {
        }

        static List<String> command() {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx256m");
            for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access")
                        || arg.startsWith("--sun-misc") || arg.startsWith("-Dchronicle")
                        || arg.startsWith("-Dlmdbjava")) {
                    command.add(arg);
                }
            }
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            return command;
        }
    }
}
