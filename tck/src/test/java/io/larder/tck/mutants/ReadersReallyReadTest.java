package io.larder.tck.mutants;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.ComputeFunction;
import io.larder.spi.Entry;
import io.larder.spi.EntryReader;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import io.larder.tck.ConcurrencyTck;
import io.larder.tck.TckEngineFactory;
import io.larder.tck.TckIntensity;
import io.larder.tck.TckSetup;
import io.larder.tck.heap.HeapTckFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The checks that run readers against a writer make every reader read a good many times, even when
 * reads are slow (as on a loaded machine): a reader that never got to read proves nothing.
 */
class ReadersReallyReadTest {

    /** Each read by a thread that never wrote takes 10 ms; counts those reads. */
    static final class SlowReaders implements TckEngineFactory {
        final AtomicLong reads = new AtomicLong();
        private final ThreadLocal<Boolean> wrote = ThreadLocal.withInitial(() -> false);

        @Override
        public StorageEngine open(TckSetup setup) {
            return new ForwardingEngine(new HeapTckFactory().open(setup)) {
                @Override
                public <R> R read(Key key, EntryReader<R> reader) {
                    if (!wrote.get()) {
                        reads.incrementAndGet();
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return delegate.read(key, reader);
                }

                @Override
                public Entry compute(Key key, ComputeFunction function) {
                    wrote.set(true);
                    return delegate.compute(key, function);
                }
            };
        }
    }

    static final class SlowReadersKit implements ConcurrencyTck {
        final SlowReaders factory = new SlowReaders();

        @Override
        public TckEngineFactory factory() {
            return factory;
        }

        @Override
        public TckIntensity tckIntensity() {
            return TckIntensity.QUICK;
        }
    }

    @Test
    void theTornReadCheckKeepsWritingUntilEveryReaderHasRead() throws Exception {
        SlowReadersKit kit = new SlowReadersKit();
        kit.readersNeverSeeATornValue();
        // Two readers, each a get and a read per round.
        assertThat(kit.factory.reads.get()).as("reads by the torn-read check's readers")
                .isGreaterThanOrEqualTo(2L * 2 * ConcurrencyTck.MIN_READS_PER_READER);
    }

    @Test
    void theRefreshCheckKeepsRefreshingUntilEveryReaderHasRead() throws Exception {
        SlowReadersKit kit = new SlowReadersKit();
        kit.aLiveKeyRefreshedWithCasNeverGoesMissingTornOrBackwards();
        int readers = Math.max(2, kit.tckThreads() - 1);
        assertThat(kit.factory.reads.get()).as("reads by the refresh check's readers")
                .isGreaterThanOrEqualTo((long) readers * ConcurrencyTck.MIN_READS_PER_READER);
    }
}
