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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Suite 7, for engines that declare {@link Capability#PERSISTENT}: close and reopen keeps every live
 * entry exactly; versions go on increasing; files are owner-only; and a writer killed with SIGKILL
 * at random moments loses no acknowledged write.
 */
public interface PersistenceTck extends TckSuite {

    /** Kill-and-reopen rounds of the crash test, by intensity: 3, 20, 200. */
    default int tckCrashRounds() {
        return tckIntensity().pick(3, 20, 200);
    }

    /** Threads writing in the crash test's child, by intensity: 3, 4, 8. */
    default int tckCrashThreads() {
        return tckIntensity().pick(3, 4, 8);
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
        long seed = tckSeed();
        long start = System.nanoTime();
        try (EngineUnderTest t = openEngine()) {
            t.closeEngine();
            CrashRounds rounds = new CrashRounds(t, factoryClass, tckCrashThreads());
            SplittableRandom random = new SplittableRandom(seed);
            for (int round = 0; round < tckCrashRounds(); round++) {
                rounds.round(round, random);
            }
            // Reopened for the close at the end.
            t.openAgain();
        }
        System.getLogger("io.larder.tck").log(System.Logger.Level.DEBUG, () -> getClass().getSimpleName() + ": "
                + tckCrashRounds() + " crash rounds, seed " + seed + ", " + (System.nanoTime() - start) / 1_000_000
                + " ms");
    }
}
