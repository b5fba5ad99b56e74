package io.larder.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Entry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import io.larder.spi.WriteOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The tag crash test's parent: rounds of a {@link TagCrashWorker} killed with SIGKILL at a random
 * moment; after each, the reopened store must show every acknowledged write and every acknowledged
 * tag invalidation exactly: entries carrying a tag invalidated after them absent (or stale), the
 * others present with their tags.
 */
final class TagCrashRounds {

    private record Written(byte[] value, long version, List<String> tags) {
    }

    private final EngineUnderTest underTest;
    private final String factoryClass;
    private final Map<Integer, Written> entries = new HashMap<>();
    private final Map<String, Long> removeMarks = new HashMap<>();
    private final Map<String, Long> staleMarks = new HashMap<>();
    private long highest;

    TagCrashRounds(EngineUnderTest underTest, String factoryClass) {
        this.underTest = underTest;
        this.factoryClass = factoryClass;
    }

    void round(int round, SplittableRandom random) throws Exception {
        Path logs = Files.createTempDirectory("larder-tag-crash-");
        try {
            Path log = logs.resolve("ops.log");
            Path output = logs.resolve("child.out");
            TckSetup setup = underTest.setup();
            List<String> command = new ArrayList<>(CrashRounds.ChildJvm.command());
            command.addAll(List.of(TagCrashWorker.class.getName(), factoryClass, setup.directory().toString(),
                    Long.toString(setup.capacity()), Long.toString(setup.maxValueSize()), Integer.toString(round),
                    log.toString()));
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (child.isAlive() && System.nanoTime() < deadline
                        && (!Files.exists(log) || Files.size(log) == 0)) {
                    Thread.sleep(5);
                }
                assertThat(Files.exists(log) && Files.size(log) > 0).as("tag crash worker of round %d acknowledged "
                        + "an op within 60 s; output: %s", round, read(output)).isTrue();
                Thread.sleep(50 + random.nextInt(300));
                assertThat(child.isAlive()).as("tag crash worker of round %d still runs; output: %s", round,
                        read(output)).isTrue();
            } finally {
                child.destroyForcibly();
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("killed worker exits").isTrue();
            }
            check(round, read(log));
        } finally {
            EngineUnderTest.deleteRecursively(logs);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    }

    private void check(int round, String text) {
        String whole = text.substring(0, text.lastIndexOf('\n') + 1);
        long seq = 0;
        long highestBefore = highest;
        for (String line : whole.isEmpty() ? new String[0] : whole.split("\n")) {
            String[] f = line.split(" ");
            assertThat(Long.parseLong(f[0])).as("ops acknowledged in order").isEqualTo(seq);
            long result = Long.parseLong(f[1]);
            assertThat(result).as("round %d op %d: a version above every one before (%d)", round, seq, highest)
                    .isGreaterThan(Math.max(highest, highestBefore));
            highest = result;
            apply(TagCrashWorker.op(round, seq), TagCrashWorker.value(round, seq), result);
            seq++;
        }
        TagCrashWorker.Op pending = TagCrashWorker.op(round, seq);
        StorageEngine e = underTest.openAgain();
        try {
            for (int k = 0; k < TagCrashWorker.KEYS; k++) {
                Key key = TagCrashWorker.key(k);
                Entry actual = e.get(key);
                if (pending.write() && pending.key() == k && actual != null
                        && Arrays.equals(actual.value(), TagCrashWorker.value(round, seq))) {
                    assertThat(actual.version()).as("the write in flight has a new version").isGreaterThan(highest);
                    assertThat(actual.tags()).isEqualTo(pending.tags());
                    entries.put(k, new Written(actual.value(), actual.version(), actual.tags()));
                    highest = actual.version();
                    continue;
                }
                Written w = entries.get(k);
                boolean ambiguous = !pending.write() && w != null && w.tags().contains(pending.tag());
                if (!ambiguous) {
                    expect(round, key, w, actual);
                }
            }
            if (!pending.write()) {
                // The invalidation in flight may or may not have landed: make it land, and check again.
                long mark = e.invalidateTag(pending.tag(), pending.mode());
                assertThat(mark).isGreaterThan(highest);
                highest = mark;
                apply(pending, null, mark);
                for (int k = 0; k < TagCrashWorker.KEYS; k++) {
                    expect(round, TagCrashWorker.key(k), entries.get(k), e.get(TagCrashWorker.key(k)));
                }
            }
            long probe = e.set(Key.of("tag-crash-probe"), TckValues.bytes("p"), WriteOptions.tagged("g0", "h1"));
            assertThat(probe).as("a write after round %d's crash is above every watermark", round)
                    .isGreaterThan(highest);
            assertThat(e.get(Key.of("tag-crash-probe"))).as("and visible").isNotNull();
            e.delete(Key.of("tag-crash-probe"));
            highest = probe;
        } finally {
            underTest.closeEngine();
        }
    }

    private void apply(TagCrashWorker.Op op, byte[] value, long version) {
        if (op.write()) {
            entries.put(op.key(), new Written(value, version, op.tags()));
        } else {
            (op.mode() == InvalidationMode.REMOVE ? removeMarks : staleMarks).merge(op.tag(), version, Math::max);
        }
    }

    private void expect(int round, Key key, Written w, Entry actual) {
        boolean removed = w == null || w.tags().stream().anyMatch(t -> removeMarks.getOrDefault(t, 0L) > w.version());
        if (removed) {
            assertThat(actual).as("round %d: %s was never written or is removed by a tag invalidated after it (%s)",
                    round, key, w == null ? "never written" : w.tags()).isNull();
            return;
        }
        boolean stale = w.tags().stream().anyMatch(t -> staleMarks.getOrDefault(t, 0L) > w.version());
        assertThat(actual).as("round %d: %s holds its acknowledged write", round, key).isNotNull();
        assertThat(actual.value()).as("round %d: %s value; the store holds '%s'", round, key, actual.valueAsString())
                .isEqualTo(w.value());
        assertThat(actual.version()).as("round %d: %s version", round, key).isEqualTo(w.version());
        assertThat(actual.tags()).as("round %d: %s tags", round, key).isEqualTo(w.tags());
        assertThat(actual.stale()).as("round %d: %s stale by a soft invalidation of one of %s after it", round, key,
                w.tags()).isEqualTo(stale);
    }
}
