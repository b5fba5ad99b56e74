package io.larder.tck;

import io.larder.spi.Clock;
import io.larder.spi.CounterResult;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child process of the crash test: opens the engine by its factory's class name and writes
 * until it is killed, printing each acknowledged write as {@code ACK index op version [value]}.
 * Ops cycle over {@link #KEYS} keys: sets, with every seventh a delete and every fifth an increment
 * of one counter.
 */
public final class CrashWorker {

    /** Keys the writes cycle over. */
    public static final int KEYS = 64;
    /** The counter's key. */
    public static final Key COUNTER = Key.of("crash-counter");

    private CrashWorker() {
    }

    /** Args: factory class, directory, capacity, maxValueSize, round. */
    public static void main(String[] args) throws Exception {
        TckEngineFactory factory = (TckEngineFactory) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        TckSetup setup = new TckSetup(Clock.system(), Long.parseLong(args[2]), Long.parseLong(args[3]),
                Path.of(args[1]), Duration.ofSeconds(1));
        int round = Integer.parseInt(args[4]);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        StorageEngine engine = factory.open(setup);
        if (engine.get(COUNTER) == null) {
            engine.add(COUNTER, "0".getBytes(StandardCharsets.US_ASCII), Expiry.never(), 0);
        }
        out.println("READY");
        out.flush();
        for (long i = 0; ; i++) {
            Key key = key(i);
            if (i % 5 == 4) {
                CounterResult c = engine.increment(COUNTER, 1);
                out.println("ACK " + i + " incr " + c.version() + " " + c.value());
            } else if (i % 7 == 6) {
                Outcome o = engine.delete(key);
                out.println("ACK " + i + " del " + o.version());
            } else {
                long version = engine.set(key, value(round, i), Expiry.never(), (int) i);
                out.println("ACK " + i + " set " + version);
            }
            out.flush();
        }
    }

    /** The key op {@code i} writes. */
    public static Key key(long i) {
        return Key.of("crash-" + (i % KEYS));
    }

    /** The value op {@code i} of a round sets. */
    public static byte[] value(int round, long i) {
        return ("round-" + round + "-op-" + i + "-" + "x".repeat((int) (i % 50))).getBytes(StandardCharsets.UTF_8);
    }
}
