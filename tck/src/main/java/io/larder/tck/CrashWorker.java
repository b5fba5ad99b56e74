package io.larder.tck;

import io.larder.spi.Clock;
import io.larder.spi.CounterResult;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The child process of the crash suite: opens the engine by its factory's class name and writes
 * with several threads until it is killed. Thread {@code t} runs the ops {@link #op} names for it,
 * on keys only it writes (and one counter all increment), and logs each op once the engine
 * acknowledged it, as one line {@code seq version [counter]} appended with one {@code write} call
 * to its own log: on the OS's side before the op counts, so a {@code kill -9} never loses it.
 */
public final class CrashWorker {

    /** Keys each thread writes. */
    public static final int KEYS_PER_THREAD = 8;
    /** Variants of each thread's page. */
    public static final int VARIANTS = 3;
    /** The counter every thread increments. */
    public static final Key COUNTER = Key.of("crash-counter");

    /** What op {@code seq} of a thread does. */
    public enum Kind { SET, CAS, INCREMENT, DELETE, SET_VARIANT, INVALIDATE }

    private CrashWorker() {
    }

    /** Op {@code seq} of thread {@code thread} in round {@code round}: its kind and the key (or variant) index. */
    public static Kind op(int round, int thread, long seq) {
        int pick = new SplittableRandom(round * 1_000_003L + thread * 7_919L + seq * 0x9E3779B97F4A7C15L)
                .nextInt(20);
        return pick < 6 ? Kind.SET : pick < 10 ? Kind.CAS : pick < 12 ? Kind.INCREMENT : pick < 14 ? Kind.DELETE
                : pick < 19 ? Kind.SET_VARIANT : Kind.INVALIDATE;
    }

    /** Which key or variant op {@code seq} targets. */
    public static int target(int round, int thread, long seq) {
        return Math.floorMod(seq * 31 + round * 7L + thread, KEYS_PER_THREAD * VARIANTS);
    }

    /** Thread {@code thread}'s key {@code index}. */
    public static Key key(int thread, int index) {
        return Key.of("crash-t" + thread + "-k" + (index % KEYS_PER_THREAD));
    }

    /** Thread {@code thread}'s page, whose variants it writes and invalidates. */
    public static String page(int thread) {
        return "crash-t" + thread + "-page";
    }

    /** Variant {@code index} of thread {@code thread}'s page. */
    public static Key variant(int thread, int index) {
        return Key.of(page(thread), Variant.of("lang", "l" + (index % VARIANTS)));
    }

    /** The value op {@code seq} of a thread in a round writes: names all three, of varying length. */
    public static byte[] value(int round, int thread, long seq) {
        return ("round-" + round + "-thread-" + thread + "-op-" + seq + "-" + "x".repeat((int) (seq % 50)))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Args: factory class, directory, capacity, maxValueSize, round, threads, directory for the logs. */
    public static void main(String[] args) throws Exception {
        TckEngineFactory factory = (TckEngineFactory) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        TckSetup setup = new TckSetup(Clock.system(), Long.parseLong(args[2]), Long.parseLong(args[3]),
                Path.of(args[1]), Duration.ofSeconds(1));
        int round = Integer.parseInt(args[4]);
        int threads = Integer.parseInt(args[5]);
        Path logs = Path.of(args[6]);
        StorageEngine engine = factory.open(setup);
        if (engine.get(COUNTER) == null) {
            engine.add(COUNTER, "0".getBytes(StandardCharsets.US_ASCII), Expiry.never(), 0);
        }
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread writer = new Thread(() -> write(engine, round, thread, logs.resolve("t" + thread + ".log")),
                    "crash-writer-" + t);
            writer.start();
        }
        // The writers run until the parent kills this process.
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void write(StorageEngine engine, int round, int thread, Path log) {
        try (FileChannel out = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            for (long seq = 0; ; seq++) {
                String ack = seq + " " + run(engine, round, thread, seq) + "\n";
                ByteBuffer line = ByteBuffer.wrap(ack.getBytes(StandardCharsets.US_ASCII));
                while (line.hasRemaining()) {
                    out.write(line);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            System.out.println("FAIL thread " + thread + ": " + e);
            e.printStackTrace(System.out);
            System.out.flush();
            Runtime.getRuntime().halt(3);
        }
    }

    /** Runs one op; returns what the log line says after its sequence number. */
    private static String run(StorageEngine engine, int round, int thread, long seq) {
        int target = target(round, thread, seq);
        switch (op(round, thread, seq)) {
            case SET:
                return Long.toString(engine.set(key(thread, target), value(round, thread, seq), Expiry.never(), 0));
            case CAS: {
                // Only this thread writes the key, so CAS over the version just read must succeed.
                Key key = key(thread, target);
                Entry current = engine.get(key);
                if (current == null) {
                    return Long.toString(engine.set(key, value(round, thread, seq), Expiry.never(), 0));
                }
                Outcome o = engine.compareAndSet(key, current.version(), value(round, thread, seq), Expiry.never(),
                        0);
                if (!o.isStored()) {
                    throw new IllegalStateException("CAS over the version just read by the only writer: " + o);
                }
                return Long.toString(o.version());
            }
            case INCREMENT: {
                CounterResult c = engine.increment(COUNTER, 1);
                return c.version() + " " + Long.toUnsignedString(c.value());
            }
            case DELETE:
                return Long.toString(engine.delete(key(thread, target)).version());
            case SET_VARIANT:
                return Long.toString(engine.set(variant(thread, target), value(round, thread, seq), Expiry.never(),
                        0));
            default:
                return Integer.toString(engine.invalidate(page(thread)));
        }
    }
}
