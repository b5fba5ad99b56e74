package io.larder.engine.lmdb;

import io.larder.spi.Clock;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child JVM that uses the engine as an embedder would, through every path that touches LMDB's
 * memory (write, zero-copy read, copy, variant scan), so the JVM prints whatever warnings that
 * use earns. Prints {@code DONE <value>} on success.
 */
public final class WarningProbe {

    private WarningProbe() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        try (LmdbEngine engine = Stores.open(dir, Clock.system())) {
            engine.set(Key.of("k"), "value".getBytes(StandardCharsets.US_ASCII), Expiry.never(), 0);
            String seen = engine.read(Key.of("k"), view -> StandardCharsets.US_ASCII.decode(view.value()).toString());
            ByteBuffer copy = ByteBuffer.allocate(16);
            engine.copyValue(Key.of("k"), copy);
            int variants = engine.variants("k".getBytes(StandardCharsets.US_ASCII)).size();
            System.out.println("DONE " + seen + " " + copy.flip().remaining() + " " + variants);
        }
    }
}
