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

    private static TreeSet<String> threads() {
        TreeSet<String> names = new TreeSet<>();
        Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
        return names;
    }
}
