package io.larder.tck.mutants;

import io.larder.tck.LarderTck;
import io.larder.tck.TckEngineFactory;
import io.larder.tck.TckIntensity;
import io.larder.engine.heap.AcknowledgesBeforeDurableTckFactory;
import io.larder.engine.heap.LosesLastWriteTckFactory;
import io.larder.engine.heap.LosesWatermarksTckFactory;

/**
 * The whole kit against each mutant. Their names end in neither Test nor Properties, so the build
 * does not run them as tests: {@link MutantsAreCaughtTest} runs them and expects failures.
 */
final class MutantTcks {

    private MutantTcks() {
    }

    /** Every mutant must be caught at the quickest intensity. */
    interface QuickKit extends LarderTck {
        @Override
        default TckIntensity tckIntensity() {
            return TckIntensity.QUICK;
        }
    }

    static class IgnoresExpiryKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.IgnoresExpiry();
        }

        @Override
        public java.time.Duration tckReclaimTimeout() {
            return java.time.Duration.ofSeconds(2);
        }
    }

    static class ReusesVersionsKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.ReusesVersions();
        }
    }

    static class UnlockedCasKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.UnlockedCas();
        }
    }

    static class LosesLastWriteOnReopenKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new LosesLastWriteTckFactory();
        }
    }

    static class NewVersionOnTouchKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.NewVersionOnTouch();
        }
    }

    static class InvalidateMissesAVariantKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.InvalidateMissesAVariant();
        }
    }

    static class AcceptsOversizedValuesKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.AcceptsOversizedValues();
        }
    }

    static class LosesUpdatesUnderThreadsKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.LosesUpdatesUnderThreads();
        }
    }

    static class TornReadKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.TornRead();
        }
    }

    static class FreesMemoryUnderReadersKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.FreesMemoryUnderReaders();
        }
    }

    static class TwoLeaseWinnersKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.TwoLeaseWinners();
        }
    }

    static class PlaceholderVisibleToReadsKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.PlaceholderVisibleToReads();
        }
    }

    static class AcceptsStaleCasTokenKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.AcceptsStaleCasToken();
        }
    }

    static class TagInvalidationMissesTheNewestKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.TagInvalidationMissesTheNewest();
        }
    }

    static class IgnoresTagGuardKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.IgnoresTagGuard();
        }
    }

    static class LosesWatermarksOnReopenKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new LosesWatermarksTckFactory();
        }
    }

    static class AcknowledgesBeforeDurableKit implements QuickKit {
        @Override
        public TckEngineFactory factory() {
            return new AcknowledgesBeforeDurableTckFactory();
        }
    }
}
