package io.larder.benchmarks.offheap;

import io.larder.engine.offheap.JvmFlags;
import io.larder.spi.EngineStats;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * Off-heap bytes per entry beyond key and value: the {@code offheap} engine filled to capacity,
 * beside a raw Chronicle Map sized for the same number of entries. Run with the Chronicle flags:
 * {@code java $FLAGS -cp benchmarks/target/benchmarks.jar io.larder.benchmarks.offheap.OffHeapOverhead}.
 */
public final class OffHeapOverhead {

    static {
        JvmFlags.quietChronicle();
    }

    private OffHeapOverhead() {
    }

    public static void main(String[] args) {
        long capacity = 64L << 20;
        System.out.println("value  entries  engine: reserved/capacity  reserved-k-v/entry  charged-k-v/entry"
                + "  | raw Chronicle: reserved-k-v/entry");
        for (int valueSize : new int[] {100, 1024, 4096}) {
            int keyLength;
            long entries;
            long reserved;
            long charged;
            try (StorageEngine engine = Larder.open("offheap:?capacity=" + capacity + "&averageValueSize=" + valueSize
                    + "&averageKeySize=40")) {
                byte[] value = new byte[valueSize];
                keyLength = Key.of("https://example.org/object/" + 10_000_000).encodedLength();
                for (int i = 10_000_000; engine.stats().evictions() == 0; i++) {
                    engine.set(Key.of("https://example.org/object/" + i), value, Expiry.never(), 0);
                }
                EngineStats stats = engine.stats();
                entries = stats.entries();
                reserved = stats.engineSpecific().get("offHeapReserved");
                charged = stats.bytesUsed();
            }
            long rawReserved;
            try (ChronicleMap<byte[], byte[]> raw = ChronicleMapBuilder.of(byte[].class, byte[].class).entries(entries)
                    .averageKeySize(keyLength).averageValueSize(valueSize).create()) {
                rawReserved = raw.offHeapMemoryUsed();
            }
            long payload = entries * (keyLength + valueSize);
            System.out.printf("%5d  %7d  %25.2f  %18d  %17d  | %d%n", valueSize, entries, reserved / (double) capacity,
                    (reserved - payload) / entries, (charged - payload) / entries, (rawReserved - payload) / entries);
        }
    }
}
