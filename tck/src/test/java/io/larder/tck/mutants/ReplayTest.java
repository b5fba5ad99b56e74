package io.larder.tck.mutants;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.tck.ModelTck;
import io.larder.tck.TckEngineFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A model failure's replay line carries every setting that shapes the run: run again with only
 * what it names, the kit finds the very same failure.
 */
class ReplayTest {

    private static final String[] SETTINGS = {"larder.tck.seed", "larder.tck.intensity", "larder.tck.modelLength"};
    private static final Pattern REPLAY = Pattern.compile("\\(replay with ([^)]*)\\)");
    private static final Pattern SETTING = Pattern.compile("-D([\\w.]+)=(\\S+)");

    /** The model suite against an engine whose touch gives a new version. */
    static final class BrokenTouchModel implements ModelTck {
        @Override
        public TckEngineFactory factory() {
            return new Mutants.NewVersionOnTouch();
        }
    }

    @Test
    void theReplayLineAloneRegeneratesTheSameFailure() {
        Map<String, String> saved = new LinkedHashMap<>();
        for (String name : SETTINGS) {
            saved.put(name, System.getProperty(name));
        }
        try {
            // Settings other than the defaults, so a replay line that leaves one out runs other sequences.
            System.setProperty("larder.tck.seed", "20261123");
            System.setProperty("larder.tck.intensity", "quick");
            System.setProperty("larder.tck.modelLength", "25");
            String first = failure();

            Matcher replay = REPLAY.matcher(first);
            assertThat(replay.find()).as("a replay line in: %s", first).isTrue();
            for (String name : SETTINGS) {
                System.clearProperty(name);
            }
            Matcher setting = SETTING.matcher(replay.group(1));
            while (setting.find()) {
                System.setProperty(setting.group(1), setting.group(2));
            }
            assertThat(failure()).as("the failure replayed with only %s", replay.group(1)).isEqualTo(first);
        } finally {
            saved.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }
    }

    private static String failure() {
        try {
            new BrokenTouchModel().engineBehavesLikeTheModel();
        } catch (AssertionError e) {
            return e.getMessage();
        }
        throw new AssertionError("the model suite passed an engine whose touch gives a new version");
    }
}
