package io.larder.metrics;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.spi.ComputeAction;
import io.larder.spi.EngineClosedException;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.LeaseOptions;
import io.larder.spi.Lookup;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.spi.ValueTooLargeException;
import io.larder.spi.Variant;
import io.larder.spi.WriteOptions;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MeteredEngineTest {

    private MeteredEngine engine;

    @BeforeEach
    void open() {
        engine = MeteredEngine.wrap(Larder.open("heap:?capacity=1m&maxValueSize=64k"));
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private static Map<Operation, Long> counts(MeteredEngine engine) {
        Map<Operation, Long> counts = new EnumMap<>(Operation.class);
        engine.latencies().forEach((operation, latency) -> counts.put(operation, latency.count()));
        return counts;
    }

    @Test
    void everyOperationIsForwardedAndCountedUnderItsKind() {
        Key page = Key.of("/page", Variant.of("lang", "fr"));
        Key counter = Key.of("/hits");
        Expiry never = Expiry.never();

        long v1 = engine.set(page, "one".getBytes(UTF_8), never, 7);
        engine.set(page, ByteBuffer.wrap("two".getBytes(UTF_8)), never, 7);
        long v3 = engine.set(counter, "41".getBytes(UTF_8));
        assertThat(v3).isGreaterThan(v1);

        assertThat(engine.get(page).valueAsString()).isEqualTo("two");
        Integer flags = engine.read(page, view -> view.flags());
        assertThat(flags).isEqualTo(7);
        ByteBuffer dst = ByteBuffer.allocate(16);
        assertThat(engine.copyValue(page, dst)).isEqualTo(3);

        assertThat(engine.add(page, "x".getBytes(UTF_8), never, 0).status()).isEqualTo(Outcome.Status.EXISTS);
        assertThat(engine.add(Key.of("/new"), ByteBuffer.allocate(1), never, 0).isStored()).isTrue();
        assertThat(engine.replace(page, "three".getBytes(UTF_8), never, 0).isStored()).isTrue();
        assertThat(engine.replace(Key.of("/none"), ByteBuffer.allocate(1), never, 0).status())
                .isEqualTo(Outcome.Status.NOT_FOUND);
        long current = engine.get(page).version();
        assertThat(engine.compareAndSet(page, current, "four".getBytes(UTF_8), never, 0).isStored()).isTrue();
        assertThat(engine.compareAndSet(page, current, ByteBuffer.allocate(1), never, 0).status())
                .isEqualTo(Outcome.Status.EXISTS);
        assertThat(engine.touch(page, Expiry.after(java.time.Duration.ofMinutes(5))).status())
                .isEqualTo(Outcome.Status.TOUCHED);
        assertThat(engine.getAndTouch(page, never).valueAsString()).isEqualTo("four");
        assertThat(engine.append(page, "!".getBytes(UTF_8)).isStored()).isTrue();
        assertThat(engine.append(page, ByteBuffer.wrap("!".getBytes(UTF_8))).isStored()).isTrue();
        assertThat(engine.prepend(page, ">".getBytes(UTF_8)).isStored()).isTrue();
        assertThat(engine.prepend(page, ByteBuffer.wrap(">".getBytes(UTF_8))).isStored()).isTrue();
        assertThat(engine.get(page).valueAsString()).isEqualTo(">>four!!");
        assertThat(engine.increment(counter, 2).value()).isEqualTo(43);
        assertThat(engine.decrement(counter, 1).value()).isEqualTo(42);
        assertThat(engine.compute(counter, entry -> ComputeAction.keep()).valueAsString()).isEqualTo("42");
        assertThat(engine.variants("/page")).containsExactly(Variant.of("lang", "fr"));
        assertThat(engine.variants("/page".getBytes(UTF_8))).hasSize(1);
        assertThat(engine.delete(counter, 1).status()).isEqualTo(Outcome.Status.EXISTS);
        assertThat(engine.delete(counter).status()).isEqualTo(Outcome.Status.DELETED);
        assertThat(engine.invalidate("/page")).isEqualTo(1);
        assertThat(engine.invalidate("/page".getBytes(UTF_8))).isZero();

        Key cached = Key.of("/cached");
        Lookup won = engine.lookup(cached, LeaseOptions.of(Duration.ofSeconds(5)));
        assertThat(won.won()).isTrue();
        assertThat(engine.compareAndSet(cached, won.token(), "v".getBytes(UTF_8), WriteOptions.tagged("t"))
                .isStored()).isTrue();
        assertThat(engine.compareAndSet(cached, won.token(), ByteBuffer.allocate(1), WriteOptions.tagged("t"))
                .status()).isEqualTo(Outcome.Status.EXISTS);
        engine.set(cached, ByteBuffer.wrap("w".getBytes(UTF_8)), WriteOptions.tagged("t"));
        engine.set(cached, "x".getBytes(UTF_8), WriteOptions.tagged("t"));
        assertThat(engine.add(cached, ByteBuffer.allocate(1), WriteOptions.tagged("t")).status())
                .isEqualTo(Outcome.Status.EXISTS);
        assertThat(engine.replace(cached, ByteBuffer.allocate(1), WriteOptions.tagged("t")).isStored()).isTrue();
        assertThat(engine.markStale(cached, null).isStored()).isTrue();
        assertThat(engine.invalidate("/cached".getBytes(UTF_8), InvalidationMode.MARK_STALE)).isEqualTo(1);
        assertThat(engine.invalidateTag("t", InvalidationMode.REMOVE)).isPositive();
        assertThat(engine.get(cached)).isNull();
        assertThat(engine.clock()).isSameAs(engine.engine().clock());
        engine.clear();

        Map<Operation, Long> expected = new EnumMap<>(Operation.class);
        expected.put(Operation.SET, 5L);
        expected.put(Operation.READ, 6L);
        expected.put(Operation.ADD, 3L);
        expected.put(Operation.REPLACE, 3L);
        expected.put(Operation.COMPARE_AND_SET, 4L);
        expected.put(Operation.TOUCH, 1L);
        expected.put(Operation.GET_AND_TOUCH, 1L);
        expected.put(Operation.CONCAT, 4L);
        expected.put(Operation.COUNTER, 2L);
        expected.put(Operation.COMPUTE, 1L);
        expected.put(Operation.VARIANTS, 2L);
        expected.put(Operation.DELETE, 2L);
        expected.put(Operation.INVALIDATE, 3L);
        expected.put(Operation.CLEAR, 1L);
        expected.put(Operation.LOOKUP, 1L);
        expected.put(Operation.MARK_STALE, 1L);
        expected.put(Operation.INVALIDATE_TAG, 1L);
        assertThat(counts(engine)).isEqualTo(expected);

        // The engine's own counters see the calls as if unwrapped (hits and misses of the five reads).
        assertThat(engine.stats().hits()).isEqualTo(5);
    }

    /**
     * A new operation on the SPI, or a default the wrapper does not override, would run the SPI's
     * default over the wrapper's compute: timed under the wrong kind, and not the engine's own code.
     */
    @Test
    void overridesEveryOperationOfTheSpi() {
        List<String> missing = new ArrayList<>();
        for (Method method : StorageEngine.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            try {
                Method own = MeteredEngine.class.getMethod(method.getName(), method.getParameterTypes());
                if (own.getDeclaringClass() != MeteredEngine.class) {
                    missing.add(method.toString());
                }
            } catch (NoSuchMethodException e) {
                missing.add(method.toString());
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void aCallThatThrowsIsCountedAndItsExceptionPassesUnchanged() {
        Key key = Key.of("/big");
        byte[] tooLarge = new byte[(int) engine.maxValueSize() + 1];

        assertThatThrownBy(() -> engine.set(key, tooLarge, Expiry.never(), 0))
                .isInstanceOf(ValueTooLargeException.class);
        assertThatThrownBy(() -> engine.compute(key, entry -> {
            throw new IllegalStateException("the function failed");
        })).isInstanceOf(IllegalStateException.class).hasMessage("the function failed");

        assertThat(counts(engine)).containsEntry(Operation.SET, 1L).containsEntry(Operation.COMPUTE, 1L);
        assertThat(engine.get(key)).isNull();
    }

    @Test
    void figuresAreOrderedAndCoverASlowCall() {
        Key key = Key.of("/slow");
        for (int i = 0; i < 200; i++) {
            engine.set(key, new byte[] {(byte) i});
        }
        // Sleeps at least 20 ms inside the engine's compute: the max can only be larger.
        engine.compute(key, entry -> {
            sleep(20);
            return ComputeAction.keep();
        });

        OperationLatency sets = engine.latencies().get(Operation.SET);
        assertThat(sets.count()).isEqualTo(200);
        assertThat(sets.p50Nanos()).isPositive();
        assertThat(sets.p50Nanos()).isLessThanOrEqualTo(sets.p99Nanos());
        assertThat(sets.p99Nanos()).isLessThanOrEqualTo(sets.p999Nanos());
        assertThat(sets.p999Nanos()).isLessThanOrEqualTo(sets.maxNanos());
        assertThat(sets.meanNanos()).isPositive().isLessThanOrEqualTo(sets.maxNanos());

        OperationLatency computes = engine.latencies().get(Operation.COMPUTE);
        assertThat(computes.count()).isEqualTo(1);
        // 1% histogram precision: the recorded max may sit just under the true value.
        assertThat(computes.maxNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20) * 99 / 100);

        OperationLatency never = engine.latencies().get(Operation.CLEAR);
        assertThat(never).isEqualTo(new OperationLatency(Operation.CLEAR, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void figuresAccumulateAcrossReads() {
        Key key = Key.of("/k");
        engine.set(key, new byte[1]);
        assertThat(engine.latencies().get(Operation.SET).count()).isEqualTo(1);
        engine.set(key, new byte[1]);
        engine.set(key, new byte[1]);
        assertThat(engine.latencies().get(Operation.SET).count()).isEqualTo(3);
        assertThat(engine.latencies().get(Operation.SET).count()).isEqualTo(3);
    }

    @Test
    void countsEveryCallFromManyThreads() throws Exception {
        int threads = 4;
        int perThread = 5_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Key key = Key.of("/t" + t);
            Thread worker = new Thread(() -> {
                await(start);
                for (int i = 0; i < perThread; i++) {
                    engine.set(key, new byte[] {(byte) i});
                    engine.get(key);
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        // A scrape running while the workers record must neither lose nor double count.
        long seen = 0;
        for (int i = 0; i < 50 && workers.stream().anyMatch(Thread::isAlive); i++) {
            long now = engine.latencies().get(Operation.SET).count();
            assertThat(now).isGreaterThanOrEqualTo(seen);
            seen = now;
        }
        for (Thread worker : workers) {
            worker.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(worker.isAlive()).isFalse();
        }
        assertThat(engine.latencies().get(Operation.SET).count()).isEqualTo((long) threads * perThread);
        assertThat(engine.latencies().get(Operation.READ).count()).isEqualTo((long) threads * perThread);
    }

    @Test
    void latenciesOutliveTheEngineAndCloseReachesIt() {
        engine.set(Key.of("/k"), new byte[1]);
        engine.close();

        assertThatThrownBy(() -> engine.get(Key.of("/k"))).isInstanceOf(EngineClosedException.class);
        assertThat(engine.latencies().get(Operation.SET).count()).isEqualTo(1);
        assertThat(engine.latencies().get(Operation.READ).count()).isEqualTo(1);
    }

    @Test
    void refusesToWrapNothing() {
        assertThatThrownBy(() -> MeteredEngine.wrap(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("engine");
    }

    @Test
    void forwardsIdentity() {
        assertThat(engine.name()).isEqualTo("heap");
        assertThat(engine.maxValueSize()).isEqualTo(64 * 1024);
        assertThat(engine.capabilities()).isEqualTo(engine.engine().capabilities());
        assertThat(Arrays.stream(Operation.values()).map(Enum::name).collect(Collectors.toSet()))
                .isEqualTo(engine.latencies().keySet().stream().map(Enum::name).collect(Collectors.toSet()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
