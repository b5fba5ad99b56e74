package io.larder.engine.lmdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Clock;
import io.larder.spi.Entry;
import io.larder.spi.Key;
import io.larder.spi.ManualClock;
import io.larder.spi.WriteOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several JVMs on one store: atomic CAS across processes, and SIGKILL at random moments. */
class LmdbMultiProcessTest {

    @TempDir
    Path dir;

    @Test
    void twoProcessesIncrementingByCasLoseNoUpdate() throws Exception {
        int each = 1500;
        try (LmdbEngine engine = Stores.open(dir, new ManualClock(), "capacity", "64m")) {
            engine.set(ChildWorker.COUNTER, "0".getBytes(StandardCharsets.US_ASCII));
        }
        List<String> outA = new CopyOnWriteArrayList<>();
        List<String> outB = new CopyOnWriteArrayList<>();
        Process a = start(outA, "cas", dir.toString(), Integer.toString(each));
        Process b = start(outB, "cas", dir.toString(), Integer.toString(each));
        assertThat(a.waitFor(90, TimeUnit.SECONDS)).as("child A finished: %s", outA).isTrue();
        assertThat(b.waitFor(90, TimeUnit.SECONDS)).as("child B finished: %s", outB).isTrue();
        assertThat(a.exitValue()).as("child A: %s", outA).isZero();
        assertThat(b.exitValue()).as("child B: %s", outB).isZero();
        try (LmdbEngine engine = Stores.open(dir, new ManualClock(), "capacity", "64m")) {
            assertThat(engine.get(ChildWorker.COUNTER).valueAsString()).isEqualTo(Integer.toString(2 * each));
            assertThat(engine.verify()).isEmpty();
        }
    }

    @Test
    void twoProcessesLookingUpTheSameMissingKeysWinEachLeaseExactlyOnce() throws Exception {
        int keys = 400;
        List<String> outA = new CopyOnWriteArrayList<>();
        List<String> outB = new CopyOnWriteArrayList<>();
        Process a = start(outA, "lease", dir.toString(), Integer.toString(keys));
        Process b = start(outB, "lease", dir.toString(), Integer.toString(keys));
        assertThat(a.waitFor(120, TimeUnit.SECONDS)).as("child A finished: %s", outA).isTrue();
        assertThat(b.waitFor(120, TimeUnit.SECONDS)).as("child B finished: %s", outB).isTrue();
        Thread.sleep(100); // let the reader threads drain the pipes
        assertThat(a.exitValue()).as("child A: %s", outA).isZero();
        assertThat(b.exitValue()).as("child B: %s", outB).isZero();
        assertThat(outA).contains("DONE");
        assertThat(outB).contains("DONE");
        Map<String, Integer> winners = new HashMap<>();
        for (List<String> out : List.of(outA, outB)) {
            for (String line : out) {
                if (line.startsWith("WON ")) {
                    winners.merge(line.substring(4), 1, Integer::sum);
                }
            }
        }
        assertThat(winners).as("every key's lease was won").hasSize(keys);
        assertThat(winners.values()).as("by exactly one process").containsOnly(1);
        try (LmdbEngine engine = Stores.open(dir, new ManualClock(System.currentTimeMillis()), "capacity", "64m")) {
            assertThat(engine.stats().entries()).as("placeholders").isEqualTo(keys);
            assertThat(engine.get(Key.of("lease0"))).isNull();
            assertThat(engine.verify()).isEmpty();
        }
    }

    @Test
    void aTagInvalidationByAnotherProcessIsSeenAtOnceAndSurvivesItsKill9() throws Exception {
        Key tagged = Key.of("tagged");
        Key plain = Key.of("plain");
        List<String> out = new CopyOnWriteArrayList<>();
        try (LmdbEngine engine = Stores.open(dir, Clock.system(), "capacity", "64m")) {
            engine.set(tagged, "v".getBytes(StandardCharsets.US_ASCII), WriteOptions.tagged("shared", "other"));
            engine.set(plain, "v".getBytes(StandardCharsets.US_ASCII));
            assertThat(engine.get(tagged)).isNotNull();
            Process child = start(out, "tag", dir.toString());
            for (int i = 0; i < 3000 && out.stream().noneMatch(l -> l.startsWith("ACK")) && child.isAlive(); i++) {
                Thread.sleep(10);
            }
            assertThat(out).as("child output").anyMatch(l -> l.startsWith("ACK"));
            assertThat(engine.get(tagged)).as("the other process's invalidation").isNull();
            assertThat(engine.get(plain)).isNotNull();
            assertThat(engine.get(Key.of("by-child")).tags()).containsExactly("child");
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (LmdbEngine engine = Stores.open(dir, Clock.system(), "capacity", "64m")) {
            assertThat(engine.get(tagged)).as("the watermark survives the writer's kill -9").isNull();
            assertThat(engine.get(Key.of("by-child")).valueAsString()).isEqualTo("child");
            engine.sweepExpired();
            assertThat(engine.stats().entries()).isEqualTo(2);
            assertThat(engine.verify()).isEmpty();
        }
    }

    /** Writes by each process sharing a small store. */
    static final int SHARED_PRESSURE_WRITES = 4000;

    @Test
    void processesWritingHardToOneSmallStoreNeverFailForRoom() throws Exception {
        List<List<String>> outputs = new ArrayList<>();
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<String> out = new CopyOnWriteArrayList<>();
            outputs.add(out);
            children.add(start(out, "pressure", dir.toString(), Integer.toString(SHARED_PRESSURE_WRITES)));
        }
        for (int i = 0; i < children.size(); i++) {
            assertThat(children.get(i).waitFor(300, TimeUnit.SECONDS)).as("child %d finished: %s", i, outputs.get(i))
                    .isTrue();
            assertThat(children.get(i).exitValue()).as("child %d: %s", i, outputs.get(i)).isZero();
            assertThat(outputs.get(i)).as("child %d", i).contains("DONE failed 0");
        }
        try (LmdbEngine engine = Stores.open(dir, new ManualClock(), "capacity", "4m", "maxValueSize", "256k")) {
            assertThat(engine.verify()).isEmpty();
            assertThat(engine.stats().entries()).as("entries held").isGreaterThan(10);
        }
    }

    @Test
    void aWriterKilledAtRandomMomentsLeavesAConsistentStoreWithEveryAcknowledgedWrite() throws Exception {
        SplittableRandom random = new SplittableRandom();
        long highest = 0;
        for (int round = 0; round < 4; round++) {
            List<String> lines = new CopyOnWriteArrayList<>();
            Process child = start(lines, "write", dir.toString(), round % 2 == 0 ? "true" : "false");
            for (int i = 0; i < 3000 && !lines.contains("READY") && child.isAlive(); i++) {
                Thread.sleep(10);
            }
            assertThat(lines).as("child output").contains("READY");
            // On a loaded machine the child may take longer than the random pause to acknowledge
            // its first write; the kill must land while writes are under way, so wait for one.
            for (int i = 0; i < 3000 && lines.stream().noneMatch(l -> l.startsWith("ACK ")) && child.isAlive(); i++) {
                Thread.sleep(10);
            }
            Thread.sleep(100 + random.nextInt(400));
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(100); // let the reader thread drain the pipe

            Map<String, long[]> acked = new HashMap<>();
            for (String line : lines) {
                String[] f = line.split(" ");
                if (f[0].equals("ACK")) {
                    long i = Long.parseLong(f[1]);
                    long version = Long.parseLong(f[2]);
                    assertThat(version).as("versions rise across rounds").isGreaterThan(highest);
                    highest = version;
                    acked.put("w" + (i % 500), f.length > 3 ? null : new long[] {i, version});
                }
            }
            assertThat(acked).as("round %d acknowledged writes", round).isNotEmpty();
            try (LmdbEngine engine = Stores.open(dir, new ManualClock(System.currentTimeMillis()),
                    "capacity", "64m")) {
                assertThat(engine.verify()).as("indexes agree with entries after kill -9").isEmpty();
                for (Map.Entry<String, long[]> e : acked.entrySet()) {
                    if (e.getValue() == null) {
                        continue; // a short expiry: may be gone
                    }
                    Entry entry = engine.get(Key.of(e.getKey()));
                    // A later write of the same key may have been deleted or replaced only by ops
                    // after the last ACK of this key: a delete of it, or the one in-flight set.
                    if (entry != null) {
                        assertThat(entry.version()).as(e.getKey()).isGreaterThanOrEqualTo(e.getValue()[1]);
                    }
                }
                Entry last = lastAcked(engine, lines);
                assertThat(last).as("the last acknowledged write survives").isNotNull();
                highest = Math.max(highest, engine.stats().engineSpecific().get("lastVersion"));
            }
        }
    }

    /** The entry of the last acknowledged set (no later op in the child can have removed it). */
    private static Entry lastAcked(LmdbEngine engine, List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String[] f = lines.get(i).split(" ");
            if (f[0].equals("ACK") && f.length == 3) {
                long n = Long.parseLong(f[1]);
                Entry e = engine.get(Key.of("w" + (n % 500)));
                return e != null && e.version() >= Long.parseLong(f[2]) ? e : null;
            }
        }
        return null;
    }

    private static Process start(List<String> lines, String... args) throws IOException {
        return Children.start(lines, ChildWorker.class, args);
    }
}
