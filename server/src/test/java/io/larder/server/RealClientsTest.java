package io.larder.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.auth.AuthInfo;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.rubyeye.xmemcached.command.TextCommandFactory;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** spymemcached and xmemcached, text and binary, binary with SASL, against a running server. */
class RealClientsTest {
    private static final java.util.logging.Logger SPY_LOG = java.util.logging.Logger.getLogger("net.spy.memcached");

    static {
        // spymemcached logs to stderr by default; through java.util.logging it follows the test config
        System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SunLogger");
        // the refused login below is expected: spymemcached would report it as SEVERE
        SPY_LOG.setLevel(java.util.logging.Level.OFF);
    }


    @TempDir
    static Path dir;
    private static ServerFixture open;
    private static ServerFixture secured;
    private static Path credentials;

    @BeforeAll
    static void start() throws Exception {
        open = new ServerFixture();
        credentials = dir.resolve("users");
        Files.writeString(credentials, "# users\nalice:s3cret\nbob:pw\n");
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
        secured = new ServerFixture(ServerOptions.defaults().withCredentials(credentials));
    }

    @AfterAll
    static void stop() {
        open.close();
        secured.close();
    }

    private static net.spy.memcached.MemcachedClient spy(int port, ConnectionFactoryBuilder.Protocol protocol,
            AuthDescriptor auth) throws Exception {
        ConnectionFactoryBuilder b = new ConnectionFactoryBuilder().setProtocol(protocol).setOpTimeout(10_000);
        if (auth != null) {
            b.setAuthDescriptor(auth);
        }
        return new net.spy.memcached.MemcachedClient(b.build(), AddrUtil.getAddresses("127.0.0.1:" + port));
    }

    private static void spyRoundTrip(net.spy.memcached.MemcachedClient c, String p) throws Exception {
        try {
            assertThat(c.set(p + "a", 0, "hello").get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(c.get(p + "a")).isEqualTo("hello");
            CASValue<Object> gets = c.gets(p + "a");
            assertThat(c.cas(p + "a", gets.getCas() + 1, "stale")).isEqualTo(CASResponse.EXISTS);
            assertThat(c.cas(p + "a", gets.getCas(), "fresh")).isEqualTo(CASResponse.OK);
            assertThat(c.get(p + "a")).isEqualTo("fresh");
            assertThat(c.set(p + "n", 0, "41").get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(c.incr(p + "n", 1)).isEqualTo(42);
            assertThat(c.decr(p + "n", 50)).isEqualTo(0);
            assertThat(c.touch(p + "a", 100).get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(c.touch(p + "missing", 100).get(10, TimeUnit.SECONDS)).isFalse();
            Map<String, Object> many = c.getBulk(p + "a", p + "n", p + "missing");
            assertThat(many).containsEntry(p + "a", "fresh").containsEntry(p + "n", "0").hasSize(2);
            assertThat(c.delete(p + "a").get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(c.get(p + "a")).isNull();
            assertThat(c.add(p + "a", 0, "again").get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(c.add(p + "a", 0, "twice").get(10, TimeUnit.SECONDS)).isFalse();
        } finally {
            c.shutdown(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void spymemcachedText() throws Exception {
        spyRoundTrip(spy(open.port(), ConnectionFactoryBuilder.Protocol.TEXT, null), "spytext:");
    }

    @Test
    void spymemcachedBinary() throws Exception {
        spyRoundTrip(spy(open.port(), ConnectionFactoryBuilder.Protocol.BINARY, null), "spybin:");
    }

    @Test
    void spymemcachedBinaryWithSasl() throws Exception {
        // the server offers PLAIN only (typical() would try CRAM-MD5 first)
        spyRoundTrip(spy(secured.port(), ConnectionFactoryBuilder.Protocol.BINARY, plain("alice", "s3cret")),
                "spysasl:");
    }

    private static AuthDescriptor plain(String user, String password) {
        return new AuthDescriptor(new String[] {"PLAIN"}, new PlainCallbackHandler(user, password));
    }

    private static MemcachedClient xmem(int port, boolean binary, AuthInfo auth) throws Exception {
        // xmemcached finds a server's credentials by the host name it connected under: "localhost"
        InetSocketAddress address = new InetSocketAddress("localhost", port);
        XMemcachedClientBuilder b = new XMemcachedClientBuilder(List.of(address));
        b.setCommandFactory(binary ? new BinaryCommandFactory() : new TextCommandFactory());
        b.setConnectTimeout(10_000);
        b.setOpTimeout(10_000);
        if (auth != null) {
            b.addAuthInfo(address, auth);
        }
        return b.build();
    }

    private static void xmemRoundTrip(MemcachedClient c, String p) throws Exception {
        try {
            // xmemcached authenticates in the background after connecting: until then the server refuses
            long deadline = System.nanoTime() + 20_000_000_000L;
            for (int attempt = 0; ; attempt++) {
                try {
                    assertThat(c.set(p + "a", 0, "hello")).isTrue();
                    break;
                } catch (net.rubyeye.xmemcached.exception.MemcachedServerException e) {
                    if (attempt >= 200 || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
            assertThat((String) c.get(p + "a")).isEqualTo("hello");
            GetsResponse<String> gets = c.gets(p + "a");
            assertThat(c.cas(p + "a", 0, "stale", gets.getCas() + 1)).isFalse();
            assertThat(c.cas(p + "a", 0, "fresh", gets.getCas())).isTrue();
            assertThat((String) c.get(p + "a")).isEqualTo("fresh");
            assertThat(c.incr(p + "n", 5, 10)).isEqualTo(10);
            assertThat(c.incr(p + "n", 5)).isEqualTo(15);
            assertThat(c.decr(p + "n", 20)).isEqualTo(0);
            assertThat(c.touch(p + "a", 100)).isTrue();
            assertThat(c.touch(p + "missing", 100)).isFalse();
            Map<String, Object> many = c.get(List.of(p + "a", p + "missing"));
            assertThat(many).containsEntry(p + "a", "fresh").hasSize(1);
            assertThat(c.delete(p + "a")).isTrue();
            Object deleted = c.get(p + "a");
            assertThat(deleted).isNull();
            assertThat(c.add(p + "a", 0, "again")).isTrue();
            assertThat(c.add(p + "a", 0, "twice")).isFalse();
        } finally {
            c.shutdown();
        }
    }

    @Test
    void xmemcachedText() throws Exception {
        xmemRoundTrip(xmem(open.port(), false, null), "xtext:");
    }

    @Test
    void xmemcachedBinary() throws Exception {
        xmemRoundTrip(xmem(open.port(), true, null), "xbin:");
    }

    @Test
    void xmemcachedBinaryWithSasl() throws Exception {
        xmemRoundTrip(xmem(secured.port(), true, AuthInfo.plain("bob", "pw")), "xsasl:");
    }

    @Test
    void wrongCredentialsAreRefusedOnEveryProtocolAndCounted() throws Exception {
        long errorsBefore = authErrors();
        try (RawClient text = secured.client()) {
            text.send("get a\r\nset x 0 0 11\r\nalice wrong\r\nget a\r\nset x 0 0 12\r\nalice s3cret\r\nget a\r\n");
            assertThat(text.line()).isEqualTo("CLIENT_ERROR unauthenticated");
            assertThat(text.line()).isEqualTo("CLIENT_ERROR authentication failure");
            assertThat(text.line()).isEqualTo("CLIENT_ERROR unauthenticated");
            assertThat(text.line()).isEqualTo("STORED");
            assertThat(text.line()).isEqualTo("END");
        }
        try (RawClient binary = secured.client()) {
            // a binary get before authenticating: status 0x20
            byte[] get = new byte[24 + 1];
            get[0] = (byte) 0x80;
            get[3] = 1;
            get[11] = 1;
            get[24] = 'a';
            binary.send(get);
            byte[] reply = binary.bytes(24);
            assertThat(reply[0]).isEqualTo((byte) 0x81);
            assertThat(((reply[6] & 0xFF) << 8) | (reply[7] & 0xFF)).isEqualTo(0x20);
        }
        net.spy.memcached.MemcachedClient wrong = spy(secured.port(), ConnectionFactoryBuilder.Protocol.BINARY,
                plain("alice", "nope"));
        try {
            assertThatThrownBy(() -> wrong.set("k", 0, "v").get(3, TimeUnit.SECONDS)).isNotNull();
        } finally {
            wrong.shutdown(1, TimeUnit.SECONDS);
        }
        assertThat(authErrors()).isGreaterThanOrEqualTo(errorsBefore + 2);
    }

    private static long authErrors() throws Exception {
        try (RawClient c = secured.client()) {
            c.send("set x 0 0 12\r\nalice s3cret\r\n");
            assertThat(c.line()).isEqualTo("STORED");
            for (String line : c.exchange("stats\r\n").split("\r\n")) {
                if (line.startsWith("STAT auth_errors ")) {
                    return Long.parseLong(line.substring("STAT auth_errors ".length()));
                }
            }
        }
        throw new AssertionError("no auth_errors stat");
    }

    @Test
    void aCredentialsFileOthersCanReadIsRefused() throws Exception {
        Path loose = dir.resolve("loose");
        Files.writeString(loose, "alice:s3cret\n");
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
        try (io.larder.spi.StorageEngine engine = io.larder.spi.Larder.open("heap:?capacity=4m")) {
            assertThatThrownBy(() -> LarderServer.start(engine, ServerOptions.defaults().withPort(0)
                    .withCredentials(loose)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("owner only");
        }
    }
}
