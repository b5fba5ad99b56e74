package io.larder.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.larder.benchmarks.report.RatioTable.Against;
import io.larder.benchmarks.report.RatioTable.Ratio;
import io.larder.benchmarks.report.RatioTable.Row;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RatioTableTest {

    private static List<Measurement> fixture() throws Exception {
        return JmhJson.read(Path.of(RatioTableTest.class.getResource("/side-by-side-results.json").toURI()));
    }

    @Test
    void readsOnlyTheSideBySideResultsWithTheirParameters() throws Exception {
        List<Measurement> all = fixture();

        assertThat(all).hasSize(7);
        Measurement first = all.get(0);
        assertThat(first.operation()).isEqualTo("get");
        assertThat(first.store()).isEqualTo("offheap");
        assertThat(first.params()).containsOnlyKeys("distribution", "maxEntries", "valueSize");
        assertThat(first.caseLabel()).isEqualTo("get distribution=uniform maxEntries=20000 valueSize=100 threads=1");
        assertThat(all.get(3).error()).isNaN();
        assertThat(first.bytesPerOp()).as("-prof gc's allocation per operation").isEqualTo(184.0);
        assertThat(all.get(1).bytesPerOp()).as("no allocation measured").isNaN();
        assertThat(all.stream().filter(m -> m.store().equals("heap")).findFirst().orElseThrow().bytesPerOp())
                .as("the name before JMH 1.37, with its middle dot").isEqualTo(0.02);
    }

    @Test
    void dividesEachEngineByItsRawStoreOhcAndCaffeineInTheSameCase() throws Exception {
        Map<String, List<Row>> table = RatioTable.rows(fixture());

        assertThat(table).hasSize(3);
        List<Row> get = table.get("get distribution=uniform maxEntries=20000 valueSize=100 threads=1");
        assertThat(get).extracting(r -> r.measurement().store())
                .containsExactly("heap", "offheap", "raw-chronicle", "caffeine", "ohc");

        Map<Against, Ratio> offheap = get.get(1).ratios();
        assertThat(offheap.get(Against.RAW).value()).isCloseTo(0.5, within(1e-9));
        // 10% relative error on both sides: sqrt(0.01 + 0.01) of 0.5
        assertThat(offheap.get(Against.RAW).error()).isCloseTo(0.5 * Math.sqrt(0.02), within(1e-9));
        assertThat(offheap.get(Against.OHC).value()).isCloseTo(0.8, within(1e-9));
        assertThat(offheap.get(Against.OHC).error()).isCloseTo(0.08, within(1e-9));
        assertThat(offheap.get(Against.CAFFEINE).value()).isCloseTo(0.1, within(1e-9));
        assertThat(offheap.get(Against.CAFFEINE).error()).isNaN();

        Map<Against, Ratio> heap = get.get(0).ratios();
        assertThat(heap).doesNotContainKey(Against.RAW);
        assertThat(heap.get(Against.OHC).value()).isCloseTo(4.0, within(1e-9));
        assertThat(get.get(2).ratios()).as("raw stores and peers get no ratios").isEmpty();
    }

    @Test
    void neverDividesAcrossCases() throws Exception {
        Map<String, List<Row>> table = RatioTable.rows(fixture());

        List<Row> twoThreads = table.get("get distribution=uniform maxEntries=20000 valueSize=100 threads=2");
        List<Row> set = table.get("set distribution=uniform maxEntries=20000 valueSize=100 threads=1");
        assertThat(twoThreads).singleElement().satisfies(r -> assertThat(r.ratios()).isEmpty());
        assertThat(set).singleElement().satisfies(r -> assertThat(r.ratios()).isEmpty());
    }

    @Test
    void printsEachCaseWithScoresAndRatios() throws Exception {
        String text = RatioTable.format(fixture());

        assertThat(text).contains("get distribution=uniform maxEntries=20000 valueSize=100 threads=1  [ops/us]");
        assertThat(text).containsPattern("offheap +2\\.000 ± 0\\.200 +184 +0\\.50 ± 0\\.07 +0\\.80 ± 0\\.08 +0\\.10 ± \\?");
        assertThat(text).containsPattern("caffeine +20\\.000 ± \\? +\\?\n");
        assertThat(text).as("a case with no allocation measured has no B/op column")
                .containsPattern("valueSize=100 threads=2  \\[ops/us\\]\n +store +score +/ raw");
    }

    @Test
    void refusesTextThatIsNotJmhJson() {
        assertThatThrownBy(() -> JmhJson.parse("{\"benchmark\": 1}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("array of results");
        assertThatThrownBy(() -> JmhJson.parse("[{\"a\": tru}]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("character");
    }
}
