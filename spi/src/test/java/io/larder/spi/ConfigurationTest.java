package io.larder.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationTest {

    @Test
    void sizesTakeKmgtSuffixes() {
        assertThat(Option.parseSize("512")).isEqualTo(512);
        assertThat(Option.parseSize("4k")).isEqualTo(4096);
        assertThat(Option.parseSize("512m")).isEqualTo(512L << 20);
        assertThat(Option.parseSize("8G")).isEqualTo(8L << 30);
        assertThat(Option.parseSize("2t")).isEqualTo(2L << 40);
        for (String bad : new String[] {"", "m", "1.5g", "-1", "12x", "1 g", "9223372036854775807k"}) {
            assertThatThrownBy(() -> Option.parseSize(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Option.formatSize(1L << 20)).isEqualTo("1m");
        assertThat(Option.formatSize(1000)).isEqualTo("1000");
    }

    @Test
    void durationsTakeMsSMH() {
        assertThat(Option.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Option.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Option.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Option.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Option.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
        for (String bad : new String[] {"", "5", "s", "1.5s", "5 min", "-1s", "10y"}) {
            assertThatThrownBy(() -> Option.parseDuration(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void uriFormGivesNamePathAndOptions() {
        EngineConfig config = EngineConfig.parse("lmdb:/var/cache/pages?capacity=8g&sync=false");
        assertThat(config.engine()).isEqualTo("lmdb");
        assertThat(config.options()).containsExactly(Map.entry("path", "/var/cache/pages"),
                Map.entry("capacity", "8g"), Map.entry("sync", "false"));
        assertThat(EngineConfig.parse("offheap:?capacity=512m").options()).containsExactly(
                Map.entry("capacity", "512m"));
        assertThat(EngineConfig.parse("heap").options()).isEmpty();
        assertThat(EngineConfig.parse("heap:").options()).isEmpty();
        assertThat(config.toString()).isEqualTo("lmdb:/var/cache/pages?capacity=8g&sync=false");
        assertThat(EngineConfig.parse(config.toString())).isEqualTo(config);
    }

    @Test
    void malformedUrisAreRefusedWithTheReason() {
        assertThatThrownBy(() -> EngineConfig.parse(":?capacity=1m")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("names no engine");
        assertThatThrownBy(() -> EngineConfig.parse("heap:?capacity")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'capacity' is not option=value");
        assertThatThrownBy(() -> EngineConfig.parse("heap:?capacity=1m&capacity=2m"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'capacity' twice");
        assertThatThrownBy(() -> EngineConfig.parse("heap:?=1")).isInstanceOf(ConfigException.class);
    }

    @Test
    void mapAndPropertiesFormsNameTheEngineInTheEngineEntry(@TempDir Path dir) throws IOException {
        EngineConfig fromMap = EngineConfig.fromMap(Map.of("engine", "lmdb", "path", "/x", "capacity", "1g"));
        assertThat(fromMap.engine()).isEqualTo("lmdb");
        assertThat(fromMap.options()).containsOnly(Map.entry("path", "/x"), Map.entry("capacity", "1g"));

        Path file = dir.resolve("larder.properties");
        Files.writeString(file, "engine = recording\ncapacity = 2m\nsync = false\n");
        EngineConfig loaded = EngineConfig.load(file);
        assertThat(loaded.engine()).isEqualTo("recording");
        assertThat(loaded.get(RecordingProvider.CAPACITY)).isEqualTo(2L << 20);
        assertThat(loaded.get(RecordingProvider.SYNC)).isFalse();

        assertThatThrownBy(() -> EngineConfig.fromMap(Map.of("capacity", "1g"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no 'engine' entry");
    }

    @Test
    void openFindsTheEngineByNameAndPassesTypedOptions() {
        Larder.open("recording:/tmp/x?capacity=4m&interval=250ms&mode=safe-mode&readers=16");
        EngineConfig opened = RecordingProvider.lastOpened;
        assertThat(opened.get(RecordingProvider.CAPACITY)).isEqualTo(4L << 20);
        assertThat(opened.get(RecordingProvider.INTERVAL)).isEqualTo(Duration.ofMillis(250));
        assertThat(opened.get(RecordingProvider.MODE)).isEqualTo(RecordingProvider.Mode.SAFE_MODE);
        assertThat(opened.get(RecordingProvider.READERS)).isEqualTo(16);
        assertThat(opened.get(RecordingProvider.PATH)).isEqualTo(Path.of("/tmp/x"));
        assertThat(opened.get(RecordingProvider.SYNC)).isTrue();
        assertThat(Larder.engineNames()).contains("recording");
    }

    @Test
    void unknownEngineListsTheEnginesThereAre() {
        assertThatThrownBy(() -> Larder.open("nosuch:?capacity=1m")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown engine 'nosuch'").hasMessageContaining("recording");
    }

    @Test
    void unknownOptionNamesItselfAndTheValidOnes() {
        assertThatThrownBy(() -> Larder.open("recording:?capacty=1m")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no option 'capacty'")
                .hasMessageContaining("capacity, sync, path, interval, mode, readers");
    }

    @Test
    void malformedOptionNamesItselfAndTheAcceptedForm() {
        assertThatThrownBy(() -> Larder.open("recording:?capacity=lots")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("option 'capacity'").hasMessageContaining("'lots'")
                .hasMessageContaining("a size of at least 1k");
        assertThatThrownBy(() -> Larder.open("recording:?capacity=10")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least 1k");
        assertThatThrownBy(() -> Larder.open("recording:?sync=yes")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("option 'sync'").hasMessageContaining("true or false");
        assertThatThrownBy(() -> Larder.open("recording:?interval=1ms")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least 10ms");
        assertThatThrownBy(() -> Larder.open("recording:?mode=slow")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("one of fast, safe-mode");
        assertThatThrownBy(() -> Larder.open("recording:?readers=65")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("from 1 to 64");
    }

    @Test
    void requiredOptionWithoutDefaultIsNamed() {
        EngineConfig config = EngineConfig.of("recording");
        assertThat(config.get(RecordingProvider.PATH)).isNull();
        assertThatThrownBy(() -> config.require(RecordingProvider.PATH)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("needs option 'path'");
    }

    @Test
    void clockTravelsWithTheConfig() {
        ManualClock clock = new ManualClock(42);
        EngineConfig config = EngineConfig.parse("recording:?capacity=1m").withClock(clock);
        Larder.open(config);
        assertThat(RecordingProvider.lastOpened.clock()).isSameAs(clock);
        assertThat(config.with("sync", "false").clock()).isSameAs(clock);
    }

    @Test
    void nothingIsSilentlyMergedDroppedOrOverflowed() {
        java.util.Map<String, String> twice = new java.util.LinkedHashMap<>();
        twice.put("capacity", "1m");
        twice.put("capacity ", "2m");
        assertThatThrownBy(() -> EngineConfig.of("recording", twice)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'capacity'").hasMessageContaining("twice");

        java.util.Properties properties = new java.util.Properties();
        properties.put("engine", "recording");
        properties.put("capacity", 1L << 20);
        assertThatThrownBy(() -> EngineConfig.fromProperties(properties)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("capacity=1048576").hasMessageContaining("not a string");

        assertThatThrownBy(() -> Larder.open("recording:?interval=999999999999999h"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("option 'interval'");
    }
}
