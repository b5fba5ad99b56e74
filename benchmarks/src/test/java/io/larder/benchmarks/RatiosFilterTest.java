package io.larder.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larder.benchmarks.report.JmhJson;
import io.larder.benchmarks.report.Measurement;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RatiosFilterTest {

    private static List<Measurement> fixture() throws Exception {
        return JmhJson.read(Path.of(RatiosFilterTest.class.getResource("/side-by-side-results.json").toURI()));
    }

    @Test
    void keepsTheCasesWhoseOperationThreadsOrParameterMatch() throws Exception {
        List<Measurement> all = fixture();

        assertThat(BenchmarkMain.where(all, "operation=set")).extracting(Measurement::operation).containsOnly("set")
                .isNotEmpty();
        assertThat(BenchmarkMain.where(all, "threads=2")).extracting(Measurement::threads).containsOnly(2)
                .isNotEmpty();
        assertThat(BenchmarkMain.where(all, "store=ohc,caffeine")).extracting(Measurement::store)
                .containsExactlyInAnyOrder("ohc", "caffeine");
        assertThat(BenchmarkMain.where(all, "valueSize=100,4096")).hasSize(all.size());
        assertThat(BenchmarkMain.where(all, "valueSize=4096")).isEmpty();
    }

    @Test
    void refusesAFilterWithoutNameOrValue() {
        assertThatThrownBy(() -> BenchmarkMain.where(List.of(), "valueSize")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NAME=VALUE").hasMessageContaining("'valueSize'");
        assertThatThrownBy(() -> BenchmarkMain.where(List.of(), "=1")).isInstanceOf(IllegalArgumentException.class);
    }
}
