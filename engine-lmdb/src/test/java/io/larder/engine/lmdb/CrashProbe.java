package io.larder.engine.lmdb;

import io.larder.spi.Clock;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child JVM for checks whose failure is a crash of the JVM. {@code viewAfterClose DIR}: keeps a
 * value view past its read and past close, then uses it. {@code interruptedClose DIR N}: N cycles of
 * open, write, close from an interrupted thread, with the sweeper running every millisecond. Prints
 * {@code DONE ...} when the JVM survived.
 */
public final class CrashProbe {

    private CrashProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if (args[0].equals("viewAfterClose")) {
            LmdbEngine engine = Stores.open(dir, Clock.system(), "capacity", "16m");
            engine.set(Key.of("k"), new byte[256 << 10], Expiry.never(), 0);
            ByteBuffer kept = engine.read(Key.of("k"), view -> view.value());
            engine.close();
            String outcome;
            try {
                long sum = 0;
                for (int i = 0; i < kept.limit(); i += 4096) {
                    sum += kept.get(i);
                }
                outcome = "remaining " + kept.remaining() + " sum " + sum;
            } catch (RuntimeException e) {
                outcome = "refused " + e.getClass().getSimpleName();
            }
            System.out.println("DONE " + outcome);
            return;
        }
        if (args[0].equals("interruptedClose")) {
            int cycles = Integer.parseInt(args[2]);
            int flagKept = 0;
            for (int i = 0; i < cycles; i++) {
                LmdbEngine engine = Stores.open(dir, Clock.system(), "capacity", "8m", "sweepInterval", "1ms");
                engine.set(Key.of("k" + i), new byte[64], Expiry.after(Duration.ofMillis(1)), 0);
                engine.set(Key.of("n" + i), new byte[64], Expiry.never(), 0);
                Thread.currentThread().interrupt();
                engine.close();
                flagKept += Thread.interrupted() ? 1 : 0;
            }
            System.out.println("DONE " + cycles + " cycles, interrupt flag kept in " + flagKept);
            return;
        }
        throw new IllegalArgumentException("unknown mode " + args[0]);
    }
}
