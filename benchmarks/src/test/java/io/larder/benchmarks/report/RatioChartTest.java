package io.larder.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RatioChartTest {

    @Test
    void drawsAPngOfTheFixturesRatios(@TempDir Path dir) throws Exception {
        List<Measurement> results = JmhJson.read(
                Path.of(RatioChartTest.class.getResource("/side-by-side-results.json").toURI()));
        Path png = dir.resolve("ratios.png");

        RatioChart.write(results, png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG ImageIO can read").isNotNull();
        assertThat(image.getWidth()).isGreaterThanOrEqualTo(900);
    }

    @Test
    void refusesResultsWithNoEngineRatio(@TempDir Path dir) {
        List<Measurement> onlyPeers = List.of(new Measurement("get", "ohc", java.util.Map.of(), 1, 2.0, 0.1, "ops/us", Double.NaN));

        assertThatThrownBy(() -> RatioChart.write(onlyPeers, dir.resolve("none.png")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no engine ratios");
    }
}
