package io.larder.benchmarks.rocks;

import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Disk bytes per entry after a full compaction, the engine beside plain RocksDB, on the same keys
 * and values (half random bytes, half zeros, so compression has something to do but not
 * everything). Run: {@code java -cp benchmarks.jar io.larder.benchmarks.rocks.RocksDiskUse [entries]}.
 */
public final class RocksDiskUse {

    private RocksDiskUse() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        for (int valueSize : new int[] {100, 4096}) {
            Path root = Files.createTempDirectory("larder-rocks-disk-");
            try {
                SplittableRandom random = new SplittableRandom(7);
                byte[] value = new byte[valueSize];
                long engineBytes;
                long rawBytes;
                try (StorageEngine engine = Larder.open("rocksdb:" + root.resolve("engine") + "?capacity=64g");
                        RawRocks raw = new RawRocks(root.resolve("raw"), 64L << 20, 64L << 20)) {
                    for (int i = 0; i < entries; i++) {
                        for (int b = 0; b < valueSize / 2; b++) {
                            value[b] = (byte) random.nextInt();
                        }
                        Key key = Key.of("https://example.org/object/" + i);
                        engine.set(key, value, Expiry.never(), 0);
                        raw.db.put(raw.write, key.encodedBytes(), value);
                    }
                    Method compact = engine.getClass().getDeclaredMethod("compactNow");
                    compact.setAccessible(true);
                    compact.invoke(engine);
                    raw.db.compactRange();
                    engineBytes = engine.stats().engineSpecific().get("diskBytes");
                    rawBytes = raw.liveSstBytes();
                }
                System.out.printf("value %5d B, %d entries: engine %.1f disk bytes/entry (SST + WAL), raw RocksDB"
                        + " %.1f (SST), ratio %.2f%n", valueSize, entries, engineBytes / (double) entries,
                        rawBytes / (double) entries, engineBytes / (double) rawBytes);
            } finally {
                try (Stream<Path> files = Files.walk(root)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
