package io.larder.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Reads made by each reader of a check that runs readers against a writer, so the writer can keep
 * going until each has read {@link ConcurrencyTck#MIN_READS_PER_READER} times, and the check can
 * assert they did.
 */
final class ReadCounts {
    private final AtomicLongArray reads;
    private final AtomicBoolean aReaderEnded = new AtomicBoolean();

    ReadCounts(int readers) {
        this.reads = new AtomicLongArray(readers);
    }

    /** {@return how many readers are counted} */
    int readers() {
        return reads.length();
    }

    /** Counts one read by {@code reader}, numbered from 0. */
    void count(int reader) {
        reads.incrementAndGet(reader);
    }

    /** A reader stopped (the writer finished, or the reader failed): waiting for more is pointless. */
    void ended() {
        aReaderEnded.set(true);
    }

    /** Whether some reader, all still reading, has read fewer than the minimum. */
    boolean tooFew() {
        if (aReaderEnded.get()) {
            return false;
        }
        for (int r = 0; r < reads.length(); r++) {
            if (reads.get(r) < ConcurrencyTck.MIN_READS_PER_READER) {
                return true;
            }
        }
        return false;
    }

    /** Fails unless every reader read the minimum; {@code check} names the check in the message. */
    void assertEnough(String check) {
        for (int r = 0; r < reads.length(); r++) {
            assertThat(reads.get(r)).as("reads by reader %d of %s while the writer wrote (a check that read "
                    + "too little proves nothing; the writer waits up to 30 s for them)", r, check)
                    .isGreaterThanOrEqualTo(ConcurrencyTck.MIN_READS_PER_READER);
        }
    }
}
