package io.larder.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: its options, its help, its start line and a clean stop on SIGTERM. */
class MainTest {
    @TempDir
    Path dir;

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void helpListsEveryOption() {
        String[] r = run("--help");
        assertThat(r[0]).isEqualTo("0");
        for (String option : List.of("--engine", "--port", "--listen", "--conn-limit", "--max-item-size",
                "--memory-limit", "--threads", "--auth-file", "--max-retrieval-line", "--max-pending-output",
                "--lease-time", "--larder-extensions", "--udp-port", "--version", "--help")) {
            assertThat(r[1]).contains(option);
        }
        assertThat(r[1]).contains("heap").contains("lmdb").contains("offheap");
    }

    @Test
    void badOptionsAreNamed() {
        assertThat(run("--nope")[2]).contains("unknown option --nope");
        assertThat(run("--port", "abc")[2]).contains("--port").contains("'abc'");
        assertThat(run("-p")[2]).contains("needs a value");
        assertThat(run("-U", "11211")[2]).contains("UDP is not supported");
        assertThat(run("-I", "1x")[2]).contains("--max-item-size");
        assertThat(run("--engine", "nosuch:")[2]).contains("cannot open engine 'nosuch:'");
        assertThat(run("--port", "-1")[0]).isEqualTo("64");
    }

    @Test
    void optionsParseAsMemcachedsDo() {
        Main.Parsed p = Main.parse(new String[] {"-p", "0", "-l", "0.0.0.0", "-c", "10", "-I", "2m", "-t", "3",
            "--larder-extensions", "--lease-time=5s", "--engine=lmdb:./x", "-m", "128"});
        assertThat(p.options.port()).isZero();
        assertThat(p.options.host()).isEqualTo("0.0.0.0");
        assertThat(p.options.maxConnections()).isEqualTo(10);
        assertThat(p.options.maxItemSize()).isEqualTo(2 << 20);
        assertThat(p.options.workerThreads()).isEqualTo(3);
        assertThat(p.options.extensions()).isTrue();
        assertThat(p.options.leaseTime()).hasSeconds(5);
        assertThat(p.engine).isEqualTo("lmdb:./x");
        assertThat(p.memoryMb).isEqualTo(128);
    }

    @Test
    void sigtermClosesThePersistentEngineWithNothingLost() throws Exception {
        Path data = dir.resolve("data");
        String uri = "lmdb:" + data + "?capacity=16m";
        try (ChildServer server = new ChildServer(List.of("-Xmx128m"), "--engine", uri, "--port", "0")) {
            assertThat(server.output()).contains("larder-server listening on 127.0.0.1:" + server.port)
                    .contains("engine lmdb").contains("protocols text, meta, binary");
            try (RawClient c = new RawClient(server.port)) {
                assertThat(c.exchange("set kept 0 0 5\r\nvalue\r\n")).isEqualTo("STORED\r\n");
            }
            server.process.destroy(); // SIGTERM
            assertThat(server.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(server.process.exitValue()).isIn(0, 143);
            // closing the engine did not fail (the server would log it as a warning)
            assertThat(server.output()).doesNotContain("Exception").doesNotContain("WARNING io.larder");
        }
        // the engine was closed: it opens again here (one lmdb engine per directory per JVM) with the value
        try (StorageEngine engine = Larder.open(uri)) {
            assertThat(engine.get(Key.of("kept")).valueAsString()).isEqualTo("value");
        }
    }
}
