package io.larder.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** libmemcached's protocol conformance tool, text and binary, against the server. */
class MemccapableTest {

    private static String run(Path tool, int port, String protocol) throws Exception {
        Process p = new ProcessBuilder(tool.toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), protocol)
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void passesEveryTextAndBinaryTest() throws Exception {
        Path tool = ExternalTools.require("memccapable", "libmemcached-tools");
        try (ServerFixture f = new ServerFixture()) {
            String text = run(tool, f.port(), "-a");
            assertThat(text).as(text).contains("All tests passed").doesNotContain("[FAIL]");
            assertThat(text.lines().filter(l -> l.endsWith("[pass]")).count()).isGreaterThanOrEqualTo(27);
            String binary = run(tool, f.port(), "-b");
            assertThat(binary).as(binary).contains("All tests passed").doesNotContain("[FAIL]");
            assertThat(binary.lines().filter(l -> l.endsWith("[pass]")).count()).isGreaterThanOrEqualTo(27);
        }
    }
}
