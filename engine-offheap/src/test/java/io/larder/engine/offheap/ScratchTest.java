package io.larder.engine.offheap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The per-thread buffers: a thread's go when the thread does, however large they grew. */
@Timeout(120)
class ScratchTest {

    /** More threads than the shared front has slots, so every slot is met. */
    private static final int THREADS = 80;
    /** Bound on collections while waiting for the dead threads' buffers to go. */
    private static final int COLLECTIONS = 50;

    @Test
    void aThreadsScratchStartsFarBelowTheLongestKey() throws InterruptedException {
        // Every thread that touches an engine gets a scratch; the longest key is 138 KiB and rare.
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        Scratch.get(); // loads the classes, which would count against the first thread
        long[] allocated = new long[1];
        Thread thread = new Thread(() -> {
            long before = threads.getCurrentThreadAllocatedBytes();
            Scratch.get();
            allocated[0] = threads.getCurrentThreadAllocatedBytes() - before;
        }, "scratch-size");
        thread.start();
        thread.join(60_000);
        assertThat(allocated[0]).as("bytes a new thread's scratch takes").isPositive().isLessThan(32 << 10);
    }

    @Test
    void deadThreadsBuffersBecomeUnreachable() throws InterruptedException {
        List<WeakReference<Object>> scratches = new ArrayList<>();
        try (StorageEngine engine = Larder.open("offheap:?capacity=32m&maxValueSize=256k&sweepInterval=1h")) {
            for (int t = 0; t < THREADS; t++) {
                Key key = Key.of("/big/" + t);
                Thread thread = new Thread(() -> {
                    // Grows this thread's write and read buffers to their largest kept size.
                    engine.set(key, new byte[200 << 10], Expiry.never(), 0);
                    assertThat(engine.get(key).value()).hasSize(200 << 10);
                    synchronized (scratches) {
                        scratches.add(new WeakReference<>(Scratch.get()));
                    }
                }, "scratch-user-" + t);
                thread.start();
                thread.join(60_000);
            }
        }
        assertThat(scratches).hasSize(THREADS);
        long reachable = THREADS;
        for (int i = 0; i < COLLECTIONS && reachable > 0; i++) {
            System.gc();
            Thread.sleep(10);
            reachable = scratches.stream().filter(r -> r.get() != null).count();
        }
        assertThat(reachable).as("buffers of %d ended threads still reachable (up to 768 KiB each)", THREADS)
                .isZero();
    }
}
