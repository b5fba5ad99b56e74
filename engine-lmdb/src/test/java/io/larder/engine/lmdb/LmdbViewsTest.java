package io.larder.engine.lmdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.ManualClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The views a read hands out: one per call, and harmless once their read has returned. */
class LmdbViewsTest {

    @TempDir
    Path dir;

    @Test
    void eachValueCallReturnsItsOwnViewPositionedAtTheStart() {
        try (LmdbEngine engine = Stores.open(dir, new ManualClock())) {
            engine.set(Key.of("k"), "abcdef".getBytes(StandardCharsets.US_ASCII), Expiry.never(), 0);
            engine.read(Key.of("k"), view -> {
                ByteBuffer first = view.value();
                first.get();
                first.get();
                ByteBuffer second = view.value();
                assertThat(second).as("a second value() call").isNotSameAs(first);
                assertThat(second.position()).isZero();
                assertThat(first.position()).as("the first view keeps its own position").isEqualTo(2);
                return null;
            });
        }
    }

    @Test
    void aViewKeptPastItsReadNeverShowsAnotherEntry() {
        try (LmdbEngine engine = Stores.open(dir, new ManualClock())) {
            engine.set(Key.of("a"), "aaaa".getBytes(StandardCharsets.US_ASCII), Expiry.never(), 0);
            engine.set(Key.of("b"), "bbbb".getBytes(StandardCharsets.US_ASCII), Expiry.never(), 0);
            ByteBuffer kept = engine.read(Key.of("a"), view -> view.value());
            engine.read(Key.of("b"), view -> view.value().remaining());
            String seen;
            try {
                byte[] bytes = new byte[kept.remaining()];
                kept.duplicate().get(bytes);
                seen = new String(bytes, StandardCharsets.US_ASCII);
            } catch (RuntimeException e) {
                seen = "";
            }
            assertThat(seen).as("a view kept past its read, after a read of another key").doesNotContain("b");
        }
    }

    @Test
    void usingAViewAfterCloseFailsSafelyInsteadOfCrashingTheJvm() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Process child = Children.start(lines, CrashProbe.class, "viewAfterClose", dir.toString());
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished: %s", lines).isTrue();
        assertThat(child.exitValue()).as("child exit status (134 is SIGSEGV): %s", lines).isZero();
        assertThat(lines).anySatisfy(line -> assertThat(line).matches("DONE (refused .*|remaining 0 sum 0)"));
    }
}
