package io.larder.benchmarks.offheap;

import io.larder.engine.offheap.JvmFlags;
import io.larder.spi.EngineStats;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;

/**
 * {@code invalidate} of one primary with 3,000 variants in a store of 1,000,000 entries, timed once
 * (a rough figure: one shot, no JMH). Run with the Chronicle flags:
 * {@code java $FLAGS -cp benchmarks/target/benchmarks.jar io.larder.benchmarks.offheap.InvalidateTiming}.
 */
public final class InvalidateTiming {

    static {
        JvmFlags.quietChronicle();
    }

    private InvalidateTiming() {
    }

    public static void main(String[] args) {
        int variants = 3_000;
        int others = 1_000_000 - variants;
        try (StorageEngine engine = Larder.open("offheap:?capacity=1g&averageValueSize=100&averageKeySize=40")) {
            byte[] value = new byte[100];
            for (int i = 0; i < others; i++) {
                engine.set(Key.of("https://example.org/object/" + i), value, Expiry.never(), 0);
            }
            for (int i = 0; i < variants; i++) {
                engine.set(Key.of("https://example.org/hot", Variant.of("lang", "l" + i)), value, Expiry.never(), 0);
            }
            EngineStats before = engine.stats();
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                int listed = engine.variants("https://example.org/hot").size();
                long t1 = System.nanoTime();
                int removed = engine.invalidate("https://example.org/hot");
                long t2 = System.nanoTime();
                System.out.printf("round %d: entries %d, variants() listed %d in %.2f ms, invalidate removed %d in"
                        + " %.2f ms, index heap ~%d bytes%n", round, before.entries(), listed, (t1 - t0) / 1e6,
                        removed, (t2 - t1) / 1e6, before.engineSpecific().get("indexHeapBytes"));
                for (int i = 0; i < variants; i++) {
                    engine.set(Key.of("https://example.org/hot", Variant.of("lang", "l" + i)), value, Expiry.never(), 0);
                }
            }
        }
    }
}
