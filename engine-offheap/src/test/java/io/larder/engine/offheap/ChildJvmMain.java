package io.larder.engine.offheap;

import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.StorageEngine;
import java.util.TreeSet;

/**
 * Run by {@link JvmIsolationTest} in a child JVM: finds the providers, opens the engine, uses it,
 * closes it, and prints what the parent checks, one marker per line.
 */
public final class ChildJvmMain {

    private ChildJvmMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("close-in-shutdown-hook")) {
            closeInShutdownHook();
            return;
        }
        System.out.println("MARK before-providers analytics=" + System.getProperty("chronicle.analytics.disable"));
        System.out.println("MARK engines " + Larder.engineNames());
        System.out.println("MARK after-providers analytics=" + System.getProperty("chronicle.analytics.disable"));
        TreeSet<String> before = threads();
        try (StorageEngine engine = Larder.open("offheap:?capacity=8m&maxValueSize=64k&sweepInterval=5ms")) {
            for (int i = 0; i < 10_000; i++) {
                engine.set(Key.of("/child/" + i), new byte[100], Expiry.afterMillis(i % 2 == 0 ? 1 : 60_000), 0);
            }
            Thread.sleep(50);
            System.out.println("MARK opened entries=" + engine.stats().entries());
            System.out.println("MARK stray=" + System.getProperty("larder.stray") + " timezone="
                    + System.getProperty("user.timezone"));
        } catch (RuntimeException | Error e) {
            System.out.println("MARK failed " + e.getClass().getName() + ": " + e.getMessage());
            System.out.flush();
            System.exit(3);
        }
        TreeSet<String> after = threads();
        for (int i = 0; i < 100 && !before.containsAll(after); i++) {
            Thread.sleep(20);
            after = threads();
        }
        after.removeAll(before);
        System.out.println("MARK closed new-threads=" + after);
    }

    /** An application that closes its engine in its own shutdown hook, as a server does on SIGTERM. */
    private static void closeInShutdownHook() {
        StorageEngine engine = Larder.open("offheap:?capacity=8m&maxValueSize=64k");
        engine.set(Key.of("/hook"), new byte[10], Expiry.never(), 0);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                // shutdown hooks run at once, together: give any hook a library registered time to run first
                Thread.sleep(300);
                engine.close();
                System.out.println("MARK hook closed entries=" + engine.stats().entries());
            } catch (RuntimeException | InterruptedException e) {
                System.out.println("MARK hook failed " + e);
            }
            System.out.flush();
        }));
        System.exit(0);
    }

    private static TreeSet<String> threads() {
        TreeSet<String> names = new TreeSet<>();
        Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
        return names;
    }
}
