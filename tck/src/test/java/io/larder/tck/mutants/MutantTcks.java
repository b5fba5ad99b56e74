package io.larder.tck.mutants;

import io.larder.tck.LarderTck;
import io.larder.tck.TckEngineFactory;
import io.larder.engine.heap.LosesLastWriteTckFactory;

/**
 * The whole kit against each mutant. Their names end in neither Test nor Properties, so the build
 * does not run them as tests: {@link MutantsAreCaughtTest} runs them and expects failures.
 */
final class MutantTcks {

    private MutantTcks() {
    }

    static class IgnoresExpiryKit implements LarderTck {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.IgnoresExpiry();
        }

        @Override
        public java.time.Duration tckReclaimTimeout() {
            return java.time.Duration.ofSeconds(2);
        }
    }

    static class ReusesVersionsKit implements LarderTck {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.ReusesVersions();
        }
    }

    static class UnlockedCasKit implements LarderTck {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.UnlockedCas();
        }
    }

    static class LosesLastWriteOnReopenKit implements LarderTck {
        @Override
        public TckEngineFactory factory() {
            return new LosesLastWriteTckFactory();
        }
    }

    static class NewVersionOnTouchKit implements LarderTck {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.NewVersionOnTouch();
        }
    }

    static class InvalidateMissesAVariantKit implements LarderTck {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.InvalidateMissesAVariant();
        }
    }

    static class AcceptsOversizedValuesKit implements LarderTck {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.AcceptsOversizedValues();
        }
    }
}
