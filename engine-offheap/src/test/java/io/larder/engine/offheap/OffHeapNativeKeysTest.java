package io.larder.engine.offheap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.ThreadMXBean;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reads and sets through query contexts with the key in a per-thread native buffer, so they allocate
 * nothing of their own, and the fallbacks: reads nested in a reader, keys too long for the buffer.
 */
@Timeout(120)
class OffHeapNativeKeysTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aWarmCopyValueAllocatesNothingOfItsOwn() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        try (StorageEngine engine = Larder.open("offheap:?capacity=16m&sweepInterval=1h")) {
            Key[] keys = new Key[64];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = Key.of("https://example.org/object/" + i);
                engine.set(keys[i], new byte[4096], Expiry.never(), 0);
            }
            ByteBuffer dst = ByteBuffer.allocateDirect(4096);
            long sum = 0;
            for (int i = 0; i < 300_000; i++) { // compiled before measuring
                dst.clear();
                sum += engine.copyValue(keys[i & 63], dst);
            }
            int reads = 20_000;
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < reads; i++) {
                dst.clear();
                sum += engine.copyValue(keys[i & 63], dst);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(sum).isEqualTo(4096L * (300_000 + reads));
            // Chronicle's byte[] key path took about 190 bytes a read, and a boxed length 16 more
            assertThat(allocated).as("bytes allocated by %d warm reads", reads).isLessThan(reads * 8L);
        }
    }

    @Test
    void aWarmSetOverAnExistingKeyAllocatesNothingOfItsOwn() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        try (StorageEngine engine = Larder.open("offheap:?capacity=16m&sweepInterval=1h")) {
            Key[] keys = new Key[64];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = Key.of("https://example.org/object/" + i);
            }
            ByteBuffer value = ByteBuffer.allocateDirect(100);
            for (int i = 0; i < 300_000; i++) { // compiled before measuring
                engine.set(keys[i & 63], value.clear(), Expiry.never(), 0);
            }
            int sets = 20_000;
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < sets; i++) {
                engine.set(keys[i & 63], value.clear(), Expiry.never(), 0);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(engine.stats().entries()).isEqualTo(keys.length);
            // the byte[] key path took about 190 bytes a set
            assertThat(allocated).as("bytes allocated by %d warm sets", sets).isLessThan(sets * 8L);
        }
    }

    @Test
    void readsNestedInAReaderGetTheirOwnEntriesAndTheOuterReadItsOwn() {
        try (StorageEngine engine = Larder.open("offheap:?capacity=16m&sweepInterval=1h")) {
            Key outer = Key.of("https://example.org/outer");
            Key inner = Key.of("https://example.org/inner/with/a/longer/key");
            engine.set(outer, bytes("outer value"), Expiry.never(), 0);
            engine.set(inner, bytes("inner"), Expiry.never(), 0);

            String seen = engine.read(outer, view -> {
                ByteBuffer copy = ByteBuffer.allocate(64);
                int innerLength = engine.copyValue(inner, copy);
                Entry innerEntry = engine.get(inner);
                Entry missing = engine.get(Key.of("https://example.org/absent"));
                byte[] outerValue = new byte[view.valueLength()];
                view.value().get(outerValue);
                return new String(outerValue, StandardCharsets.UTF_8) + "|" + innerLength + "|"
                        + new String(innerEntry.value(), StandardCharsets.UTF_8) + "|" + missing;
            });

            assertThat(seen).isEqualTo("outer value|5|inner|null");
            ByteBuffer dst = ByteBuffer.allocate(64);
            assertThat(engine.copyValue(outer, dst)).as("the thread's key buffer is free again").isEqualTo(11);
            assertThat(engine.stats().hits()).isEqualTo(4);
            assertThat(engine.stats().misses()).isEqualTo(1);
        }
    }

    @Test
    void keysLongerThanTheNativeBufferAreReadToo() {
        try (StorageEngine engine = Larder.open("offheap:?capacity=16m&sweepInterval=1h")) {
            char[] path = new char[2_000];
            Arrays.fill(path, 'p');
            Key longKey = Key.of("https://example.org/" + new String(path));
            Key shortKey = Key.of("https://example.org/short");
            engine.set(longKey, bytes("long"), Expiry.never(), 0);
            engine.set(shortKey, bytes("short"), Expiry.never(), 0);

            ByteBuffer dst = ByteBuffer.allocate(16);
            assertThat(engine.copyValue(longKey, dst)).isEqualTo(4);
            assertThat(engine.get(longKey).value()).isEqualTo(bytes("long"));
            dst.clear();
            assertThat(engine.copyValue(shortKey, dst)).isEqualTo(5);
            assertThat(engine.copyValue(Key.of("https://example.org/" + new String(path) + "x"), dst)).isEqualTo(-1);
        }
    }
}
