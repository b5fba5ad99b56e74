package io.larder.tck.mutants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The TCK is tested too: it runs against each deliberately broken engine, and the build fails if
 * any mutant passes the whole kit.
 */
class MutantsAreCaughtTest {

    static Stream<Class<?>> mutants() {
        return Stream.of(MutantTcks.IgnoresExpiryKit.class, MutantTcks.ReusesVersionsKit.class,
                MutantTcks.UnlockedCasKit.class, MutantTcks.LosesLastWriteOnReopenKit.class,
                MutantTcks.NewVersionOnTouchKit.class, MutantTcks.InvalidateMissesAVariantKit.class,
                MutantTcks.AcceptsOversizedValuesKit.class, MutantTcks.LosesUpdatesUnderThreadsKit.class,
                MutantTcks.TornReadKit.class, MutantTcks.FreesMemoryUnderReadersKit.class,
                MutantTcks.AcknowledgesBeforeDurableKit.class, MutantTcks.TwoLeaseWinnersKit.class,
                MutantTcks.PlaceholderVisibleToReadsKit.class, MutantTcks.AcceptsStaleCasTokenKit.class,
                MutantTcks.TagInvalidationMissesTheNewestKit.class, MutantTcks.IgnoresTagGuardKit.class,
                MutantTcks.LosesWatermarksOnReopenKit.class);
    }

    @ParameterizedTest
    @MethodSource("mutants")
    void theKitCatchesTheMutant(Class<?> kit) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(kit))
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        long start = System.nanoTime();
        launcher.execute(request, listener);
        long millis = (System.nanoTime() - start) / 1_000_000;
        TestExecutionSummary summary = listener.getSummary();
        List<String> caughtBy = new ArrayList<>();
        summary.getFailures().forEach(f -> caughtBy.add(f.getTestIdentifier().getDisplayName()));
        // A green build stays quiet: the figures go to the debug log, the failures only into the verdict.
        System.getLogger("io.larder.tck").log(System.Logger.Level.DEBUG, () -> kit.getSimpleName() + " (" + millis
                + " ms) caught by " + caughtBy.size() + " of " + summary.getTestsStartedCount() + " tests: "
                + caughtBy);
        assertThat(summary.getTestsStartedCount()).as("tests run against %s", kit.getSimpleName()).isGreaterThan(40);
        assertThat(caughtBy).as("%s survived the whole kit", kit.getSimpleName()).isNotEmpty();
    }
}
