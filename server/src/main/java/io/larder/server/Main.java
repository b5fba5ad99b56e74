package io.larder.server;

import io.larder.spi.EngineConfig;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar larder-server.jar [options]}: serves one engine until SIGTERM or SIGINT, then
 * closes the server and the engine. Option names follow memcached's where it has one.
 */
public final class Main {
    static final String DEFAULT_ENGINE = "heap:?capacity=64m";

    private static final String[][] OPTIONS = {
        {"-e", "--engine=<uri>", "engine configuration URI (default " + DEFAULT_ENGINE + "), e.g. 'lmdb:./larder-data?capacity=1g'"},
        {"-p", "--port=<num>", "TCP port to listen on (default 11211; 0 picks a free one)"},
        {"-l", "--listen=<addr>", "interface to listen on (default 127.0.0.1; 0.0.0.0 for all)"},
        {"-c", "--conn-limit=<num>", "most simultaneous connections (default 1024)"},
        {"-I", "--max-item-size=<size>", "largest value a client may store, e.g. 1m (default 1m, at most the engine's maxValueSize)"},
        {"-m", "--memory-limit=<MB>", "engine capacity in megabytes (sets the engine's capacity option)"},
        {"-t", "--threads=<num>", "network threads (default: one per processor)"},
        {"-Y", "--auth-file=<file>", "require authentication against user:password lines in <file> (chmod 600)"},
        {"", "--max-retrieval-line=<size>", "longest get/gets/gat/gats line (default 64k)"},
        {"", "--max-pending-output=<size>", "unsent reply bytes per connection before reading pauses (default 256k)"},
        {"", "--lease-time=<duration>", "lease time for mg R/stale wins without N, e.g. 30s (default 30s)"},
        {"", "--larder-extensions", "enable variant keys (primary|name=value&...) and the mp/mt purge and tag commands"},
        {"-U", "--udp-port=<num>", "accepted for compatibility; only 0 (UDP off) is allowed"},
        {"-V", "--version", "print the version and exit"},
        {"-h", "--help", "print this help and exit"},
    };

    private Main() {
    }

    /**
     * Runs the server.
     *
     * @param args the options ({@code --help} lists them)
     */
    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        }
        // libraries that log through SLF4J without a provider should say nothing about it
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
        // Netty's own warnings go where the server's go (java.util.logging, through System.Logger),
        // not to the silent SLF4J binding the jar carries for Chronicle
        io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
                io.netty.util.internal.logging.JdkLoggerFactory.INSTANCE);
        int code = run(args, System.out, System.err);
        if (code >= 0) {
            System.exit(code);
        }
    }

    /** @return an exit code, or -1 when the server ran and was stopped by a signal */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Parsed p;
        try {
            p = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("larder-server: " + e.getMessage());
            err.println("Try --help.");
            return 64;
        }
        if (p.help) {
            usage(out);
            return 0;
        }
        if (p.version) {
            out.println("larder-server " + ServerContext.VERSION);
            return 0;
        }
        StorageEngine engine;
        try {
            EngineConfig config = EngineConfig.parse(p.engine);
            if (p.memoryMb > 0) {
                config = config.with("capacity", p.memoryMb + "m");
            }
            engine = Larder.open(config);
        } catch (RuntimeException e) {
            err.println("larder-server: cannot open engine '" + p.engine + "': " + e.getMessage());
            return 1;
        }
        LarderServer server;
        try {
            server = LarderServer.start(engine, p.options);
        } catch (RuntimeException e) {
            engine.close();
            err.println("larder-server: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                server.close();
            } finally {
                try {
                    engine.close();
                } catch (RuntimeException e) {
                    ServerContext.LOG.log(System.Logger.Level.WARNING, "closing engine " + engine.name() + " failed", e);
                } finally {
                    stopped.countDown();
                }
            }
        }, "larder-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    static void usage(PrintStream out) {
        out.println("Usage: java -jar larder-server.jar [options]");
        out.println("A memcached-compatible server (text, meta and binary protocols; TCP only) on a Larder engine.");
        out.println();
        for (String[] o : OPTIONS) {
            String names = (o[0].isEmpty() ? "    " : o[0] + ", ") + o[1];
            out.printf(Locale.ROOT, "  %-34s %s%n", names, o[2]);
        }
        out.println();
        out.println("Engines on the class path: " + String.join(", ", Larder.engineNames()));
    }

    static final class Parsed {
        String engine = DEFAULT_ENGINE;
        ServerOptions options = ServerOptions.defaults();
        long memoryMb;
        boolean help;
        boolean version;
    }

    static Parsed parse(String[] args) {
        Parsed p = new Parsed();
        List<String> list = new ArrayList<>(List.of(args));
        for (int i = 0; i < list.size(); i++) {
            String arg = list.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            String[] spec = find(name);
            if (spec == null) {
                throw new IllegalArgumentException("unknown option " + name);
            }
            boolean takesValue = spec[1].contains("=<");
            if (takesValue && value == null) {
                if (i + 1 >= list.size()) {
                    throw new IllegalArgumentException("option " + name + " needs a value: " + spec[1]);
                }
                value = list.get(++i);
            } else if (!takesValue && value != null) {
                throw new IllegalArgumentException("option " + name + " takes no value");
            }
            String longName = spec[1].replaceAll("=.*", "");
            try {
                apply(p, longName, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(longName + ": " + e.getMessage(), e);
            }
        }
        return p;
    }

    private static String[] find(String name) {
        for (String[] o : OPTIONS) {
            if (name.equals(o[0]) || name.equals(o[1].replaceAll("=.*", ""))) {
                return o;
            }
        }
        return null;
    }

    private static void apply(Parsed p, String name, String v) {
        switch (name) {
            case "--engine":
                p.engine = v;
                break;
            case "--port":
                p.options = p.options.withPort(integer(v));
                break;
            case "--listen":
                p.options = p.options.withHost(v);
                break;
            case "--conn-limit":
                p.options = p.options.withMaxConnections(integer(v));
                break;
            case "--max-item-size":
                p.options = p.options.withMaxItemSize((int) Math.min(Integer.MAX_VALUE, size(v)));
                break;
            case "--memory-limit":
                p.memoryMb = integer(v);
                if (p.memoryMb < 1) {
                    throw new IllegalArgumentException("must be at least 1 (megabytes), was " + v);
                }
                break;
            case "--threads":
                p.options = p.options.withWorkerThreads(integer(v));
                break;
            case "--auth-file":
                p.options = p.options.withCredentials(Path.of(v));
                break;
            case "--max-retrieval-line":
                p.options = p.options.withMaxRetrievalLineBytes((int) Math.min(Integer.MAX_VALUE, size(v)));
                break;
            case "--max-pending-output":
                p.options = p.options.withMaxPendingOutputBytes((int) Math.min(Integer.MAX_VALUE, size(v)));
                break;
            case "--lease-time":
                p.options = p.options.withLeaseTime(duration(v));
                break;
            case "--larder-extensions":
                p.options = p.options.withExtensions(true);
                break;
            case "--udp-port":
                if (integer(v) != 0) {
                    throw new IllegalArgumentException("UDP is not supported; only 0 is allowed");
                }
                break;
            case "--version":
                p.version = true;
                break;
            default:
                p.help = true;
                break;
        }
    }

    private static int integer(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number, was '" + v + "'");
        }
    }

    /** A byte count with an optional k, m or g (binary). */
    static long size(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("k")) {
            unit = 1L << 10;
        } else if (s.endsWith("m")) {
            unit = 1L << 20;
        } else if (s.endsWith("g")) {
            unit = 1L << 30;
        }
        if (unit > 1) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            long n = Long.parseLong(s);
            if (n < 0 || n > (1L << 40) / unit) {
                throw new NumberFormatException();
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a size such as 1048576, 512k or 1m, was '" + v + "'");
        }
    }

    /** A whole number with ms, s, m or h. */
    static Duration duration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            } else if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            } else if (s.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            } else if (s.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("expected a duration such as 500ms, 30s, 5m or 1h, was '" + v + "'");
    }
}
