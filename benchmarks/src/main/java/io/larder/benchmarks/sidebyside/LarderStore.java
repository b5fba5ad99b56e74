package io.larder.benchmarks.sidebyside;

import io.larder.spi.EntryReader;
import io.larder.spi.Expiry;
import io.larder.spi.Larder;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * A Larder engine through the SPI, as a user would call it. A compare-and-set expects the version
 * the last write to the key returned (or the one a failed attempt reported).
 */
final class LarderStore extends Store {

    /**
     * Reads the first and last byte. Their exclusive or stays within a byte, where
     * {@code Integer.valueOf} allocates nothing, so {@code -prof gc} counts only the engine's bytes.
     */
    private static final EntryReader<Integer> FIRST_AND_LAST = view -> {
        ByteBuffer v = view.value();
        return v.get(v.position()) ^ v.get(v.limit() - 1);
    };

    private final StorageEngine engine;
    private final long[] versions;

    private LarderStore(Dataset data, String uri) {
        super(data);
        engine = Larder.open(uri);
        versions = new long[data.entries];
    }

    static LarderStore open(String name, Dataset data, Path dir) {
        return new LarderStore(data, Stores.engineUri(name, data, dir, ""));
    }

    @Override
    Set<Op> ops() {
        return EnumSet.allOf(Op.class);
    }

    @Override
    void put(int i) {
        versions[i] = engine.set(data.keys[i], data.valueA, Expiry.never(), 0);
    }

    @Override
    Object get(Context c, int i) {
        return engine.get(data.keys[i]);
    }

    @Override
    int copyValue(Context c, int i) {
        return engine.copyValue(data.keys[i], c.dst);
    }

    @Override
    int read(Context c, int i) {
        return engine.read(data.keys[i], FIRST_AND_LAST);
    }

    @Override
    Object set(Context c, int i) {
        return engine.set(data.keys[i], data.valueA, Expiry.never(), 0);
    }

    @Override
    boolean cas(Context c, int i) {
        Outcome outcome = engine.compareAndSet(data.keys[i], versions[i], data.valueA, Expiry.never(), 0);
        // stored: the new version; exists: the version another thread wrote, to expect next time
        versions[i] = outcome.version();
        return outcome.isStored();
    }

    @Override
    void verify() {
        long evictions = engine.stats().evictions();
        if (evictions != 0) {
            throw new IllegalStateException(engine.name() + " evicted " + evictions + " entries: the comparison is off");
        }
    }

    @Override
    void release() {
        engine.close();
    }
}
