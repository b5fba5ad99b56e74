package io.larder.tck;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.tck.mutants.HangsOnWritesTckFactory;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The crash suite's parent fails plainly when its child acknowledges nothing. */
class CrashRoundsTest {

    @Test
    void aChildThatAcknowledgesNoWriteFailsTheRoundSayingSo() {
        try (EngineUnderTest t = EngineUnderTest.open(new HangsOnWritesTckFactory(), 1 << 20, 1 << 10,
                Duration.ofSeconds(1))) {
            t.closeEngine();
            CrashRounds rounds = new CrashRounds(t, HangsOnWritesTckFactory.class.getName(), 2, Duration.ofSeconds(3));
            assertThatThrownBy(() -> rounds.round(0, new SplittableRandom(1)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("worker of round 0 acknowledged no write within 3 s");
            t.openAgain();
        }
    }
}
