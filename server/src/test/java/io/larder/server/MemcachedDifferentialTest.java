package io.larder.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The same seeded random streams of text and meta commands, well-formed and malformed, sent to a
 * real memcached and to the server; every reply must match once CAS values, times and the
 * differences listed in the server's README are normalised.
 */
class MemcachedDifferentialTest {
    private static final int SEEDS = Integer.getInteger("larder.server.diff.seeds", 40);
    private static final int COMMANDS = Integer.getInteger("larder.server.diff.commands", 150);
    private static final int TRACE = Integer.getInteger("larder.server.diff.trace", 0);
    private static final String[] KEYS = {"k0", "k1", "k2", "n0", "n1", "x"};

    /** One connection that sends a command and a no-op and collects the replies before the no-op's. */
    private static final class Conn implements AutoCloseable {
        final int port;
        Socket socket;
        InputStream in;
        String lastCas = "1";

        Conn(int port) throws IOException {
            this.port = port;
            connect();
        }

        private void connect() throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
        }

        /** The replies; a connection the server closed is opened again for the next command. */
        String exchange(String command) throws IOException {
            try {
                String reply = exchangeOnce(command);
                if (reply.endsWith("<closed>")) {
                    socket.close();
                    connect();
                }
                return reply;
            } catch (IOException e) {
                socket.close();
                connect();
                return "<closed>";
            }
        }

        private int exchanges;

        private String exchangeOnce(String command) throws IOException {
            // a marker request after the command: a meta get of a key the streams never use, with a
            // fresh opaque, so its reply cannot be mistaken for one of the command's
            String marker = "EN k__end__ O" + (++exchanges) + "\r\n";
            socket.getOutputStream().write((command + "mg __end__ k O" + exchanges + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            // a command that left the server waiting for data swallows the no-op: then a quiet spell ends it
            socket.setSoTimeout(1500);
            try {
                while (true) {
                    int n = in.read(buf);
                    if (n < 0) {
                        return b.toString(StandardCharsets.ISO_8859_1) + "<closed>";
                    }
                    b.write(buf, 0, n);
                    String s = b.toString(StandardCharsets.ISO_8859_1);
                    if (s.endsWith(marker)) {
                        String reply = s.substring(0, s.length() - marker.length());
                        remember(reply);
                        return reply;
                    }
                }
            } catch (SocketTimeoutException e) {
                return b.toString(StandardCharsets.ISO_8859_1) + "<waiting>";
            }
        }

        private void remember(String reply) {
            Matcher gets = Pattern.compile("VALUE \\S+ \\d+ \\d+ (\\d+)\r\n").matcher(reply);
            while (gets.find()) {
                lastCas = gets.group(1);
            }
            Matcher meta = Pattern.compile(" c(\\d+)").matcher(reply);
            while (meta.find()) {
                lastCas = meta.group(1);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void sameRepliesAsMemcached() throws Exception {
        List<String> differences = new ArrayList<>();
        int compared = 0;
        try (ExternalTools.Memcached memcached = new ExternalTools.Memcached();
                ServerFixture larder = new ServerFixture()) {
            for (int seed = 1; seed <= SEEDS; seed++) {
                List<String> commands = generate(new Random(seed), COMMANDS);
                try (Conn a = new Conn(memcached.port); Conn b = new Conn(larder.port())) {
                    a.exchange("flush_all\r\n");
                    b.exchange("flush_all\r\n");
                    for (String command : commands) {
                        String theirs = normalise(command, a.exchange(command.replace("{CAS}", a.lastCas)));
                        String ours = normalise(command, b.exchange(command.replace("{CAS}", b.lastCas)));
                        compared++;
                        if (TRACE == seed) {
                            System.out.println(printable(command) + "\n   M " + printable(theirs) + "\n   L "
                                    + printable(ours));
                        }
                        if (!theirs.equals(ours)) {
                            differences.add("seed " + seed + ": " + printable(command) + "\n  memcached: "
                                    + printable(theirs) + "\n  larder:    " + printable(ours));
                        }
                    }
                }
            }
        }
        assertThat(compared).isEqualTo(SEEDS * COMMANDS);
        assertThat(differences).as("replies that differ from memcached's (%d of %d)", differences.size(), compared)
                .isEmpty();
    }

    private static String printable(String s) {
        String t = s.replace("\r\n", "\\r\\n");
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    // ---- normalising -----------------------------------------------------------------------

    private static final Pattern PADDED_VALUE =
            Pattern.compile("(VALUE \\S+ \\d+ )(\\d+)((?: \\S+)?\r\n)(\\d+)( +)\r\n");
    private static final Pattern PADDED_VA = Pattern.compile("VA (\\d+)([^\r\n]*\r\n)(\\d+)( +)\r\n");

    static String normalise(String command, String reply) {
        String r = reply;
        if (command.matches("(?s)m[ga] n\\d.*")) {
            // the size of a counter memcached padded with spaces (see below)
            r = r.replaceAll(" s\\d+", " s<size>");
        }
        // versions: memcached's CAS counter and the engine's versions are both opaque tokens
        r = r.replaceAll("(VALUE \\S+ \\d+ \\d+) \\d+\r\n", "$1 <cas>\r\n");
        r = r.replaceAll(" c\\d+", " c<cas>");
        // remaining times are in whole seconds and may be read a second apart
        r = r.replaceAll(" t\\d+", " t<ttl>");
        r = r.replaceAll(" l\\d+", " l<secs>");
        // "hit before": Larder's hit statistics restart at every write (incr, append, a stale mark's
        // new version...), memcached's fetched bit survives some of them (listed in the README)
        r = r.replaceAll(" h[01]", " h<hit>");
        r = r.replaceAll("VERSION [^\r\n]+", "VERSION <v>");
        // memcached decrements in place and pads a shorter number with spaces (documented); Larder
        // stores the number itself
        r = unpad(PADDED_VALUE, r, true);
        r = unpad(PADDED_VA, r, false);
        return r;
    }

    private static String unpad(Pattern p, String r, boolean value) {
        Matcher m = p.matcher(r);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String digits = value ? m.group(4) : m.group(3);
            String replacement = value ? m.group(1) + digits.length() + m.group(3) + digits + "\r\n"
                    : "VA " + digits.length() + m.group(2) + digits + "\r\n";
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    // ---- generating ------------------------------------------------------------------------

    static List<String> generate(Random rnd, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(command(rnd));
        }
        return out;
    }

    private static String pick(Random rnd, String... choices) {
        return choices[rnd.nextInt(choices.length)];
    }

    /** Counters get only the n keys, appends only the others (see the README's differences). */
    private static String counterKey(Random rnd) {
        return rnd.nextInt(30) == 0 ? key(rnd) : pick(rnd, "n0", "n1");
    }

    private static String textKey(Random rnd) {
        return rnd.nextInt(50) == 0 ? "k".repeat(251) : pick(rnd, "k0", "k1", "k2", "x");
    }

    private static String key(Random rnd) {
        int r = rnd.nextInt(100);
        if (r < 2) {
            return "k".repeat(251);
        }
        if (r < 4) {
            return "k".repeat(250);
        }
        return KEYS[rnd.nextInt(KEYS.length)];
    }

    private static String number(Random rnd) {
        return pick(rnd, "0", "1", "7", "42", "100", "4294967295", "4294967296", "-1", "abc", "18446744073709551615",
                "18446744073709551616", "", "+3", "007");
    }

    private static String exptime(Random rnd) {
        return pick(rnd, "0", "0", "0", "100", "3600", "-1", "abc", "2592000");
    }

    private static String value(Random rnd) {
        int r = rnd.nextInt(10);
        if (r < 3) {
            return String.valueOf(rnd.nextInt(1000));
        }
        if (r < 4) {
            return "";
        }
        StringBuilder s = new StringBuilder();
        int len = 1 + rnd.nextInt(r < 9 ? 20 : 3000);
        for (int i = 0; i < len; i++) {
            s.append((char) ('a' + rnd.nextInt(26)));
        }
        return s.toString();
    }

    /** A data block: usually the declared length, sometimes one off (a bad chunk) or a bad end. */
    private static String[] block(Random rnd) {
        String v = value(rnd);
        int r = rnd.nextInt(40);
        String declared = String.valueOf(v.length());
        String data = v + "\r\n";
        if (r == 0) {
            declared = String.valueOf(v.length() + 1);
            data = v + "xy\r\n";
        } else if (r == 1 && v.length() > 0) {
            declared = String.valueOf(v.length() - 1);
        } else if (r == 2) {
            data = v + "\n\r\n";
            declared = String.valueOf(v.length());
        } else if (r == 3) {
            declared = pick(rnd, "-1", "abc", "2000000");
            if (declared.equals("2000000")) {
                data = "z".repeat(2_000_000) + "\r\n";
            }
        }
        return new String[] {declared, data};
    }

    private static String noreply(Random rnd) {
        return rnd.nextInt(6) == 0 ? " noreply" : "";
    }

    private static String command(Random rnd) {
        int r = rnd.nextInt(100);
        if (r < 30) {
            String cmd = pick(rnd, "set", "set", "add", "replace", "append", "prepend", "cas");
            String[] b = block(rnd);
            String flags = rnd.nextInt(5) == 0 ? number(rnd) : String.valueOf(rnd.nextInt(3));
            String cas = cmd.equals("cas") ? " " + (rnd.nextBoolean() ? "{CAS}" : number(rnd)) : "";
            boolean concat = cmd.equals("append") || cmd.equals("prepend");
            String line = cmd + " " + (concat ? textKey(rnd) : key(rnd)) + " " + flags + " " + exptime(rnd) + " "
                    + b[0] + cas;
            if (rnd.nextInt(25) == 0) {
                line = cmd + " " + key(rnd) + " " + flags; // too few tokens
            }
            return line + noreply(rnd) + "\r\n" + b[1];
        }
        if (r < 42) {
            StringBuilder s = new StringBuilder(pick(rnd, "get", "gets", "get", "gat 100", "gats 0", "gat abc"));
            int keys = rnd.nextInt(4);
            for (int i = 0; i < keys; i++) {
                s.append(' ').append(key(rnd));
            }
            return s + "\r\n";
        }
        if (r < 48) {
            return pick(rnd, "incr", "decr") + " " + counterKey(rnd) + " " + number(rnd) + noreply(rnd) + "\r\n";
        }
        if (r < 52) {
            return "delete " + key(rnd) + pick(rnd, "", "", " 0", " 5", " noreply", " 0 noreply") + "\r\n";
        }
        if (r < 55) {
            return "touch " + key(rnd) + " " + exptime(rnd) + noreply(rnd) + "\r\n";
        }
        if (r < 57) {
            return pick(rnd, "flush_all\r\n", "flush_all 0\r\n", "flush_all noreply\r\n", "flush_all abc\r\n",
                    "verbosity 1\r\n", "verbosity\r\n", "version\r\n");
        }
        if (r < 62) {
            return pick(rnd, "\r\n", "bogus\r\n", "GET k0\r\n", "get\r\n", "set\r\n", "incr k0\r\n",
                    "touch k0\r\n", "cas k0 0 0 1\r\nx\r\n", "delete\r\n", "mx k0\r\n", "m\r\n");
        }
        if (r < 75) {
            StringBuilder s = new StringBuilder("mg " + key(rnd));
            // no N: memcached's lease stub is an empty item every command sees, Larder's placeholder is
            // seen only by mg (a difference the README lists); leases are tested on their own
            // R10 below T30 and every exptime used: a recache threshold equal to a remaining time (R30
            // after T30) fell on either side of memcached's once-a-second clock, now and then; and
            // memcached judges R against the time T sets in the same command, Larder against the one
            // before it (a difference the README lists), so the recache win is tested on its own
            for (String f : new String[] {"v", "c", "f", "t", "s", "k", "q", "h", "O123", "T30", "R10"}) {
                if (rnd.nextInt(4) == 0) {
                    s.append(' ').append(f);
                }
            }
            if (rnd.nextInt(20) == 0) {
                s.append(pick(rnd, " v", " zz", " Tabc", " !"));
            }
            return s + "\r\n";
        }
        if (r < 87) {
            String[] b = block(rnd);
            String mode = rnd.nextInt(3) == 0 ? pick(rnd, "E", "A", "P", "R", "S", "Z") : "";
            boolean concat = mode.equals("A") || mode.equals("P");
            // no I: whether a CAS is "older" depends on each server's own counter; tested on its own
            StringBuilder s = new StringBuilder("ms " + (concat ? textKey(rnd) : key(rnd)) + " " + b[0]);
            for (String f : new String[] {"c", "k", "q", "O9", "F5", "T100"}) {
                if (rnd.nextInt(5) == 0) {
                    s.append(' ').append(f);
                }
            }
            if (!mode.isEmpty()) {
                s.append(" M").append(mode);
            }
            // no C with append or prepend: memcached 1.6.18 ignores it there, Larder honours it as
            // memcached documents (listed in the README)
            if (rnd.nextInt(4) == 0 && !concat) {
                s.append(" C").append(rnd.nextBoolean() ? "{CAS}" : number(rnd));
            }
            return s + "\r\n" + b[1];
        }
        if (r < 93) {
            // stale marks only on keys no counter touches: memcached's in-place incr keeps the mark
            StringBuilder s = new StringBuilder("md " + textKey(rnd));
            for (String f : new String[] {"q", "k", "O7", "I", "T30"}) {
                if (rnd.nextInt(4) == 0) {
                    s.append(' ').append(f);
                }
            }
            if (rnd.nextInt(4) == 0) {
                s.append(" C").append(rnd.nextBoolean() ? "{CAS}" : number(rnd));
            }
            return s + "\r\n";
        }
        if (r < 99) {
            StringBuilder s = new StringBuilder("ma " + counterKey(rnd));
            for (String f : new String[] {"N0", "J5", "D3", "v", "t", "c", "q", "MD", "M+", "Dabc", "MX"}) {
                if (rnd.nextInt(5) == 0) {
                    s.append(' ').append(f);
                }
            }
            return s + "\r\n";
        }
        return "mn\r\n";
    }
}
