package io.larder.benchmarks.sidebyside;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One store under test, addressed by key index in its {@link Dataset}. Each thread works through
 * its own {@link Context} (destination buffer, and whatever the store reuses per thread, such as
 * a read transaction), made on the thread's first call and closed with the store.
 */
abstract class Store implements AutoCloseable {

    /** Per-thread resources; a store that needs more extends it. */
    static class Context implements AutoCloseable {
        final ByteBuffer dst;

        Context(int valueSize) {
            dst = ByteBuffer.allocateDirect(valueSize);
        }

        @Override
        public void close() {
        }
    }

    final Dataset data;
    /** Which of the two values each key holds, for stores whose compare-and-set compares values. */
    final boolean[] holdsB;
    private final List<Context> contexts = new ArrayList<>();

    Store(Dataset data) {
        this.data = data;
        this.holdsB = new boolean[data.entries];
    }

    /** The operations this store has; the others throw {@link UnsupportedOperationException}. */
    Set<Op> ops() {
        return EnumSet.of(Op.GET, Op.COPY, Op.SET);
    }

    final synchronized Context newContext() {
        Context c = context();
        contexts.add(c);
        return c;
    }

    Context context() {
        return new Context(data.valueSize);
    }

    /** Stores {@code valueA} under every key, then reads each once so file stores have touched their files. */
    void fill() {
        for (int i = 0; i < data.entries; i++) {
            put(i);
        }
        Context c = newContext();
        for (int i = 0; i < data.entries; i++) {
            c.dst.clear();
            if (copyValue(c, i) != data.valueSize) {
                throw new IllegalStateException(getClass().getSimpleName() + " lost key " + i + " while filling");
            }
        }
    }

    /** Stores {@code valueA} under key {@code i} during the fill. */
    abstract void put(int i);

    abstract Object get(Context c, int i);

    /** Copies the value into {@code c.dst} (cleared by the caller); its length. */
    abstract int copyValue(Context c, int i);

    /** The value's first and last byte, summed, read in place. */
    int read(Context c, int i) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no in-place read");
    }

    abstract Object set(Context c, int i);

    /** Replaces the value last seen under key {@code i}; whether it was replaced. */
    boolean cas(Context c, int i) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no compare-and-set");
    }

    /** The value key {@code i} is believed to hold, and flips the belief to the other value. */
    final byte[] expectedThenFlip(int i) {
        boolean b = holdsB[i];
        holdsB[i] = !b;
        return b ? data.valueB : data.valueA;
    }

    /** The value to swap in for one believed to be {@code expected}. */
    final byte[] other(byte[] expected) {
        return expected == data.valueA ? data.valueB : data.valueA;
    }

    /** Checks, before closing, that the run measured what it meant to (nothing evicted). */
    void verify() {
    }

    /** Releases the store itself, after every context is closed. */
    abstract void release() throws Exception;

    /**
     * Closes every thread's context, then the store.
     *
     * @throws IllegalStateException if the store fails to close, with the failure as its cause
     */
    @Override
    public final synchronized void close() {
        for (Context c : contexts) {
            c.close();
        }
        contexts.clear();
        try {
            release();
        } catch (Exception e) {
            throw new IllegalStateException(getClass().getSimpleName() + " failed to close", e);
        }
    }

    static void put(ByteBuffer dst, byte[] value) {
        if (value.length <= dst.remaining()) {
            dst.put(value);
        }
    }
}
