package io.larder.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.StorageEngine;
import io.larder.tck.heap.HeapTckFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A suite that pins its intensity by overriding {@link TckSuite#tckIntensity()} runs at that
 * intensity, whatever {@code -Dlarder.tck.intensity} says: the kit's mutant self-test relies on it.
 */
class PinnedIntensityTest {

    /** Opens heap engines and keeps them, so the test can count what the suite did. */
    static final class CountingFactory implements TckEngineFactory {
        final List<StorageEngine> opened = new CopyOnWriteArrayList<>();

        @Override
        public StorageEngine open(TckSetup setup) {
            StorageEngine engine = new HeapTckFactory().open(setup);
            opened.add(engine);
            return engine;
        }
    }

    static final class QuickLifecycle implements LifecycleTck {
        final CountingFactory factory = new CountingFactory();

        @Override
        public TckEngineFactory factory() {
            return factory;
        }

        @Override
        public TckIntensity tckIntensity() {
            return TckIntensity.QUICK;
        }
    }

    static final class QuickOrdering implements OrderingTck {
        final CountingFactory factory = new CountingFactory();

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
    void theCloseRaceRunsThePinnedNumberOfRounds() throws Exception {
        QuickLifecycle suite = new QuickLifecycle();
        suite.closeFromAnInterruptedThreadLetsEveryOperationCompleteOrFailAsClosed();
        // At most 20 rounds at quick (fewer if its time bound ends it); 100 at standard, 2,000 at soak.
        assertThat(suite.factory.opened).as("engines the close race opened at quick").hasSizeBetween(1, 20);
    }

    @Test
    void theCrossKeyOrderingCheckWritesThePinnedNumberOfTimes() throws Exception {
        QuickOrdering suite = new QuickOrdering();
        suite.versionsBecomeVisibleInOrderAcrossKeys();
        assertThat(suite.factory.opened).hasSize(1);
        // One setup write, then at most 20,000 per writer at quick (200,000 at standard).
        assertThat(suite.factory.opened.get(0).stats().writes()).as("writes the ordering check made at quick")
                .isBetween(1L, 1L + 2 * 20_000);
    }

    @Test
    void scaleSizesAStandardCountForEachIntensity() {
        assertThat(TckIntensity.QUICK.scale(1_000)).isEqualTo(100);
        assertThat(TckIntensity.QUICK.scale(5)).isEqualTo(1);
        assertThat(TckIntensity.STANDARD.scale(1_000)).isEqualTo(1_000);
        assertThat(TckIntensity.SOAK.scale(1_000)).isEqualTo(100_000);
        assertThat(TckIntensity.SOAK.scale(Integer.MAX_VALUE / 10)).isEqualTo(Integer.MAX_VALUE);
    }
}
