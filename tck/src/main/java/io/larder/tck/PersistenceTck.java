package io.larder.tck;

import static io.larder.tck.TckValues.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.larder.spi.Capability;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Suite 7, for engines that declare {@link Capability#PERSISTENT}: close and reopen keeps every live
 * entry exactly; versions go on increasing; files are owner-only; and a writer killed with SIGKILL
 * at random moments loses no acknowledged write.
 */
public interface PersistenceTck extends TckSuite {

    /** Kill-and-reopen rounds of the crash test. */
    default int tckCrashRounds() {
        return 6;
    }

    private void assumePersistent() {
        assumeTrue(engineDeclares(Capability.PERSISTENT), "engine does not declare PERSISTENT");
    }

    @Test
    default void closeAndReopenKeepsEveryLiveEntryExactly() {
        assumePersistent();
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            Map<Key, Entry> expected = new LinkedHashMap<>();
            long highest = 0;
            for (int i = 0; i < 300; i++) {
                Key key = Key.of("/p" + (i % 40), i % 3 == 0 ? Variant.EMPTY : Variant.of("lang", "l" + (i % 3)));
                Expiry expiry = i % 4 == 0 ? Expiry.after(Duration.ofSeconds(10)) : Expiry.never();
                highest = Math.max(highest, e.set(key, TckValues.pattern(i * 7 % 3000, i), expiry, i));
            }
            e.touch(Key.of("/p1", Variant.of("lang", "l1")), Expiry.after(Duration.ofHours(2)));
            e.delete(Key.of("/p2", Variant.of("lang", "l2")));
            e.invalidate("/p3");
            e.set(Key.of("empty"), new byte[0]);
            highest = Math.max(highest, e.get(Key.of("empty")).version());
            Key longest = TckValues.longestKey((byte) 'z', "q");
            highest = Math.max(highest, e.set(longest, bytes("long key")));
            highest = Math.max(highest, e.set(Key.of("short"), bytes("expires"), Expiry.after(Duration.ofSeconds(5)),
                    0));
            t.clock().advance(Duration.ofSeconds(6));
            List<Key> keys = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                for (Variant v : List.of(Variant.EMPTY, Variant.of("lang", "l1"), Variant.of("lang", "l2"))) {
                    keys.add(Key.of("/p" + i, v));
                }
            }
            keys.add(Key.of("empty"));
            keys.add(longest);
            keys.add(Key.of("short"));
            for (Key key : keys) {
                expected.put(key, e.get(key));
            }
            StorageEngine reopened = t.reopen();
            for (Key key : keys) {
                assertThat(reopened.get(key)).as("%s after reopen", key).isEqualTo(expected.get(key));
            }
            assertThat(new java.util.HashSet<>(reopened.variants("/p5")))
                    .isEqualTo(new java.util.HashSet<>(expectedVariants(expected, "/p5")));
            assertThat(reopened.set(Key.of("after"), bytes("x"))).as("versions go on increasing after reopen")
                    .isGreaterThan(highest);
        }
    }

    private static List<Variant> expectedVariants(Map<Key, Entry> entries, String primary) {
        List<Variant> variants = new ArrayList<>();
        entries.forEach((k, v) -> {
            if (v != null && k.primaryAsString().equals(primary)) {
                variants.add(k.variant());
            }
        });
        return variants;
    }

    @Test
    default void versionsNeverRepeatAcrossReopens() {
        assumePersistent();
        try (EngineUnderTest t = openEngine()) {
            long last = 0;
            for (int round = 0; round < 4; round++) {
                StorageEngine e = round == 0 ? t.engine() : t.reopen();
                for (int i = 0; i < 20; i++) {
                    long version = e.set(Key.of("v" + (i % 3)), bytes("r" + round));
                    assertThat(version).isGreaterThan(last);
                    last = version;
                }
                e.delete(Key.of("v0"));
                e.clear();
            }
        }
    }

    @Test
    default void filesAreOwnerOnly() throws IOException {
        assumePersistent();
        try (EngineUnderTest t = openEngine()) {
            t.engine().set(Key.of("k"), bytes("v"));
            t.reopen().set(Key.of("k2"), bytes("v"));
            Set<PosixFilePermission> groupOrOthers = Set.of(PosixFilePermission.GROUP_READ,
                    PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                    PosixFilePermission.OTHERS_EXECUTE);
            try (Stream<Path> paths = Files.walk(t.setup().directory())) {
                List<Path> all = paths.filter(p -> !p.equals(t.setup().directory())).toList();
                assertThat(all).as("the engine wrote files").isNotEmpty();
                for (Path p : all) {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(p);
                    assertThat(permissions).as("permissions of %s", p).doesNotContainAnyElementsOf(groupOrOthers);
                }
            }
        }
    }

    @Test
    default void aWriterKilledAtRandomMomentsLosesNoAcknowledgedWrite() throws Exception {
        assumePersistent();
        String factoryClass = factory().getClass().getName();
        try {
            factory().getClass().getConstructor();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(factoryClass + " needs a public no-argument constructor for the crash test", e);
        }
        try (EngineUnderTest t = openEngine()) {
            t.closeEngine();
            SplittableRandom random = new SplittableRandom(System.nanoTime());
            // What each key must hold: null for absent, else {round, op index, version}.
            Map<Long, long[]> expected = new HashMap<>();
            long highestVersion = 0;
            long counter = 0;
            for (int round = 0; round < tckCrashRounds(); round++) {
                // The child's output goes to a file, read whole after it died: a pipe would be drained
                // and closed under a reader thread when the child exits, losing the last lines.
                Path output = Files.createTempFile("larder-crash-", ".out");
                Process child = startWorker(factoryClass, t.setup(), round, output);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                // The random moment is counted from the first acknowledged write, however slow the start.
                while (!Files.readString(output, StandardCharsets.ISO_8859_1).contains("\nACK ")
                        && child.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(child.isAlive()).as("worker of round %d started (output: %s)", round,
                        Files.readString(output, StandardCharsets.ISO_8859_1)).isTrue();
                Thread.sleep(50 + random.nextInt(400));
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                String text = Files.readString(output, StandardCharsets.ISO_8859_1);
                Files.delete(output);
                // A last line the kill cut short (no newline) was never acknowledged: its write is in flight.
                List<String> lines = List.of(text.substring(0, text.lastIndexOf('\n') + 1).split("\n"));
                long lastIndex = -1;
                for (String line : lines) {
                    if (!line.matches("ACK \\d+ (set \\d+|del \\d+|incr \\d+ \\d+)")) {
                        continue;
                    }
                    String[] f = line.split(" ");
                    long index = Long.parseLong(f[1]);
                    long version = Long.parseLong(f[3]);
                    long key = index % CrashWorker.KEYS;
                    if (f[2].equals("del")) {
                        expected.put(key, null);
                    } else {
                        assertThat(version).as("round %d: acknowledged version %d after %d", round, version,
                                highestVersion).isGreaterThan(highestVersion);
                        highestVersion = version;
                        if (f[2].equals("incr")) {
                            assertThat(Long.parseLong(f[4])).as("counter acknowledged in order").isEqualTo(counter + 1);
                            counter++;
                        } else {
                            expected.put(key, new long[] {round, index, version});
                        }
                    }
                    lastIndex = index;
                }
                assertThat(lastIndex).as("round %d acknowledged writes (output: %s)", round,
                        lines.size() > 5 ? lines.subList(0, 5) : lines).isGreaterThanOrEqualTo(0);

                StorageEngine e = t.openAgain();
                long inFlight = lastIndex + 1;
                for (long k = 0; k < CrashWorker.KEYS; k++) {
                    Entry entry = e.get(CrashWorker.key(k));
                    boolean inFlightHere = inFlight % CrashWorker.KEYS == k && inFlight % 5 != 4;
                    if (inFlightHere && inFlight % 7 != 6 && entry != null && entry.version() > highestVersion) {
                        assertThat(entry.value()).as("key %d holds the in-flight write", k)
                                .isEqualTo(CrashWorker.value(round, inFlight));
                    } else if (inFlightHere && inFlight % 7 == 6 && entry == null) {
                        // the in-flight delete landed
                    } else if (expected.containsKey(k)) {
                        long[] want = expected.get(k);
                        if (want == null) {
                            assertThat(entry).as("key %d: acknowledged delete", k).isNull();
                        } else {
                            assertThat(entry).as("key %d: acknowledged set %d of round %d", k, want[1], want[0])
                                    .isNotNull();
                            assertThat(entry.version()).as("key %d version: acknowledged set %d of round %d; the "
                                    + "store holds '%s'; last acknowledged op %d, round %d", k, want[1], want[0],
                                    entry.valueAsString(), lastIndex, round).isEqualTo(want[2]);
                            assertThat(entry.value()).as("key %d value", k)
                                    .isEqualTo(CrashWorker.value((int) want[0], want[1]));
                        }
                    }
                    if (entry != null) {
                        highestVersion = Math.max(highestVersion, entry.version());
                        String[] parts = entry.valueAsString().split("-");
                        assertThat(parts.length >= 4 && parts[1].matches("\\d+") && parts[3].matches("\\d+"))
                                .as("key %d holds a value some worker wrote: %s", k, entry.valueAsString()).isTrue();
                        long writtenRound = Long.parseLong(parts[1]);
                        long writtenIndex = Long.parseLong(parts[3]);
                        assertThat(entry.value()).as("key %d value intact", k)
                                .isEqualTo(CrashWorker.value((int) writtenRound, writtenIndex));
                        assertThat(writtenIndex % CrashWorker.KEYS).as("key %d holds its own op's value", k)
                                .isEqualTo(k);
                        expected.put(k, new long[] {writtenRound, writtenIndex, entry.version()});
                    } else {
                        expected.put(k, null);
                    }
                }
                Entry counterEntry = e.get(CrashWorker.COUNTER);
                long stored = Long.parseLong(counterEntry.valueAsString());
                // Only an increment in flight when the worker died may have landed unacknowledged.
                assertThat(stored).as("counter after round %d", round)
                        .isBetween(counter, counter + (inFlight % 5 == 4 ? 1 : 0));
                counter = stored;
                highestVersion = Math.max(highestVersion, counterEntry.version());
                e.close();
            }
        }
    }

    private static Process startWorker(String factoryClass, TckSetup setup, int round, Path output)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-Xmx256m");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access")
                    || arg.startsWith("--sun-misc") || arg.startsWith("-Dchronicle") || arg.startsWith("-Dlmdbjava")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashWorker.class.getName());
        command.add(factoryClass);
        command.add(setup.directory().toString());
        command.add(Long.toString(setup.capacity()));
        command.add(Long.toString(setup.maxValueSize()));
        command.add(Integer.toString(round));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }
}
