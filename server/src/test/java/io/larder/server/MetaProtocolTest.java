package io.larder.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Key;
import io.larder.spi.Variant;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Meta commands, leases on the engine's lookup, stale marks, and the Larder extensions. */
class MetaProtocolTest {
    private static ServerFixture fixture;
    private static ServerFixture extended;

    @BeforeAll
    static void start() {
        fixture = new ServerFixture();
        extended = new ServerFixture(ServerOptions.defaults().withExtensions(true));
    }

    @AfterAll
    static void stop() {
        fixture.close();
        extended.close();
    }

    private static String exchange(ServerFixture f, String request) throws IOException {
        try (RawClient c = f.client()) {
            return c.exchange(request).replaceAll(" c\\d+", " c<cas>");
        }
    }

    @Test
    void getSetDeleteWithReturnFlags() throws IOException {
        assertThat(exchange(fixture, "ms m1 2 c k Oxx F7 T100\r\nhi\r\nmg m1 v c f t s k Oab q\r\nmg m1\r\nmg m1 k\r\n"
                + "mg nope k Oab\r\nmg nope q k\r\nmn\r\n"))
                .isEqualTo("HD c<cas> km1 Oxx\r\nVA 2 c<cas> f7 t100 s2 km1 Oab\r\nhi\r\nHD\r\nHD km1\r\n"
                        + "EN knope Oab\r\nMN\r\n");
        assertThat(exchange(fixture, "ms m2 1 ME\r\nx\r\nms m2 1 ME\r\ny\r\nms m3 1 MR\r\nx\r\nms m2 1 MA\r\nz\r\n"
                + "ms m3 1 MA\r\nz\r\nms m2 1 MP\r\na\r\nmg m2 v\r\nms m2 1 C1\r\nq\r\nms m9 1 C1\r\nq\r\n"
                + "ms m2 1 q\r\nq\r\nms m2 1 q C1\r\nq\r\nmd m2 q\r\nmd m2\r\nmn\r\n"))
                .isEqualTo("HD\r\nNS\r\nNS\r\nHD\r\nNS\r\nHD\r\nVA 3\r\naxz\r\nEX\r\nNF\r\nEX\r\nNF\r\nMN\r\n");
    }

    @Test
    void flagErrorsAreMemcacheds() throws IOException {
        assertThat(exchange(fixture, "mg m1 zz\r\nmg m1 v v\r\nmg\r\nms m1\r\nms m1 abc\r\nhi\r\nms m1 2 MZ\r\nhi\r\n"
                + "ms m1 2 Fx\r\nhi\r\nms m1 2 C\r\nhi\r\nmg m1 Tabc\r\nmg m1 O123456789012345678901234567890123\r\n"))
                .isEqualTo("CLIENT_ERROR invalid flag\r\nCLIENT_ERROR duplicate flag\r\nERROR\r\n"
                        + "CLIENT_ERROR bad command line format\r\nCLIENT_ERROR bad command line format\r\nERROR\r\n"
                        + "CLIENT_ERROR invalid mode for ms M token\r\nCLIENT_ERROR bad command line format\r\n"
                        + "CLIENT_ERROR bad token in command line format\r\n"
                        + "CLIENT_ERROR bad token in command line format\r\nCLIENT_ERROR opaque token too long\r\n");
    }

    @Test
    void aKeyThatIsNotBase64IsRefusedAndItsDataDiscarded() throws IOException {
        // found by the fuzz test: the server failed the request and closed the connection
        assertThat(exchange(fixture, "ms !!!! 2 b\r\nhi\r\nmg !!!! b v\r\nms bTE= 2 b\r\nhi\r\nmg bTE= b v\r\n"))
                .isEqualTo("CLIENT_ERROR bad command line format\r\nCLIENT_ERROR bad command line format\r\nHD\r\n"
                        + "VA 2\r\nhi\r\n");
    }

    @Test
    void clientChosenCasIsRefusedClearly() throws IOException {
        assertThat(exchange(fixture, "ms e1 1 E99\r\nx\r\nmg e1 c\r\n"))
                .isEqualTo("CLIENT_ERROR E flag not supported: the engine chooses versions (CAS)\r\nEN\r\n");
    }

    @Test
    void arithmetic() throws IOException {
        assertThat(exchange(fixture, "ma cnt\r\nma cnt N0 J5 v\r\nma cnt v\r\nma cnt MD D10 v\r\nma cnt M- v t c\r\n"
                + "ma cnt MI D3 q\r\nma cnt v D18446744073709551615\r\nms s 1\r\nx\r\nma s\r\nma cnt Dabc\r\n"
                + "ma cnt MX\r\nmn\r\n"))
                .isEqualTo("NF\r\nVA 1\r\n5\r\nVA 1\r\n6\r\nVA 1\r\n0\r\nVA 1 t-1 c<cas>\r\n0\r\nVA 1\r\n2\r\nHD\r\n"
                        + "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n"
                        + "CLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid mode for ma M token\r\nMN\r\n");
    }

    @Test
    void oneClientWinsTheLeaseOnAMissAndItsTokenStores() throws IOException {
        try (RawClient a = fixture.client(); RawClient b = fixture.client()) {
            a.send("mg lease1 N30 v c t\r\n");
            String won = a.line();
            assertThat(won).matches("VA 0 c\\d+ t30 W");
            assertThat(a.line()).isEmpty();
            b.send("mg lease1 N30 v c t\r\n");
            assertThat(b.line()).matches("VA 0 c\\d+ t(29|30) Z");
            b.line();
            String token = won.split(" ")[2].substring(1);
            b.send("ms lease1 3 C" + (Long.parseLong(token) + 1) + "\r\nnew\r\n");
            assertThat(b.line()).isEqualTo("EX");
            a.send("ms lease1 3 T60 C" + token + "\r\nnew\r\nmg lease1 v t\r\n");
            assertThat(a.line()).isEqualTo("HD");
            assertThat(a.line()).isEqualTo("VA 3 t60");
            assertThat(a.line()).isEqualTo("new");
        }
    }

    @Test
    void recacheWinAndStaleMarks() throws IOException {
        assertThat(exchange(fixture, "ms l2 3 T5\r\nabc\r\nmg l2 R10 v\r\nmg l2 R10 v\r\nmg l2 v\r\n"))
                .isEqualTo("HD\r\nVA 3 W\r\nabc\r\nVA 3 Z\r\nabc\r\nVA 3 Z\r\nabc\r\n");
        assertThat(exchange(fixture, "ms m4 1\r\nx\r\nmd m4 I T30\r\nmg m4 v t\r\nmg m4 v\r\nmd m4 C1\r\nmd m4 k Oq\r\n"
                + "md m4\r\n"))
                .isEqualTo("HD\r\nHD\r\nVA 1 t30 X W\r\nx\r\nVA 1 Z X\r\nx\r\nEX\r\nHD km4 Oq\r\nNF\r\n");
    }

    @Test
    void aWriteBasedOnAnOlderVersionWithIIsStoredStale() throws IOException {
        try (RawClient c = fixture.client()) {
            String first = c.exchange("ms inv 1 c\r\na\r\n");
            long old = Long.parseLong(first.trim().split(" c")[1]);
            String second = c.exchange("ms inv 1 c\r\nb\r\n");
            long current = Long.parseLong(second.trim().split(" c")[1]);
            assertThat(current).isGreaterThan(old);
            assertThat(c.exchange("ms inv 1 C" + old + "\r\nc\r\n")).isEqualTo("EX\r\n");
            assertThat(c.exchange("ms inv 1 I C" + old + "\r\nc\r\nmg inv v\r\n"))
                    .isEqualTo("HD\r\nVA 1 X W\r\nc\r\n");
            // a newer version than the one stored is no "older" write: refused as usual
            assertThat(c.exchange("ms inv 1 I C" + Long.MAX_VALUE + "\r\nd\r\n")).isEqualTo("EX\r\n");
        }
    }

    @Test
    void hitStatisticsAndDebug() throws IOException {
        assertThat(exchange(fixture, "ms h1 1\r\nx\r\nmg h1 h\r\nmg h1 h l\r\nme h1\r\nme nope\r\n"))
                .matches("HD\r\nHD h0\r\nHD h1 l0\r\nME h1 exp=-1 la=0 cas=\\d+ fetch=yes cls=1 size=3\r\nEN\r\n");
    }

    @Test
    void extensionsAreOffByDefault() throws IOException {
        assertThat(exchange(fixture, "mp page\r\nmt tag\r\nset a|lang=fr 0 0 1\r\nx\r\n"))
                .isEqualTo("ERROR\r\nERROR\r\nSTORED\r\n");
        assertThat(fixture.engine.get(Key.of("a|lang=fr"))).isNotNull();
    }

    @Test
    void variantKeysPurgeOfAPrimaryAndTags() throws IOException {
        assertThat(exchange(extended, "set /p|lang=fr 0 0 2\r\nfr\r\nset /p|lang=en&device=mobile 0 0 2\r\nen\r\n"
                + "get /p|lang=fr\r\n"))
                .isEqualTo("STORED\r\nSTORED\r\nVALUE /p|lang=fr 0 2\r\nfr\r\nEND\r\n");
        assertThat(extended.engine.get(Key.of("/p", Variant.of("lang", "en", "device", "mobile"))).valueAsString())
                .isEqualTo("en");
        assertThat(exchange(extended, "mp /p I\r\nmg /p|lang=fr v\r\nmp /p\r\nmg /p|lang=fr v\r\nmp /p\r\n"))
                .isEqualTo("HD\r\nVA 2 X W\r\nfr\r\nHD\r\nEN\r\nNF\r\n");
        assertThat(exchange(extended, "ms /a 1 Gpost:7 Guser:1\r\na\r\nms /b 1 Gpost:8\r\nb\r\nmt post:7 I\r\n"
                + "mg /a v\r\nmg /b v\r\nmt user:1\r\nmg /a v\r\n"))
                .isEqualTo("HD\r\nHD\r\nHD\r\nVA 1 X W\r\na\r\nVA 1\r\nb\r\nHD\r\nEN\r\n");
        assertThat(exchange(extended, "set |lang=fr 0 0 1\r\nx\r\nset /q|lang 0 0 1\r\nx\r\n"))
                .isEqualTo("CLIENT_ERROR bad command line format\r\nERROR\r\nCLIENT_ERROR bad command line format\r\n"
                        + "ERROR\r\n");
    }
}
