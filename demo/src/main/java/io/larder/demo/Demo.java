package io.larder.demo;

import io.larder.spi.CounterResult;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The README's main job: opens an engine from a configuration URI (the first argument, by default
 * {@code heap:?capacity=64m}) and exercises it like an HTTP cache would, printing what it does.
 * Exits non-zero if the engine does not behave as the contract says.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) {
        String uri = args.length > 0 ? args[0] : "heap:?capacity=64m";
        System.out.println("engines on the class path: " + Larder.engineNames());
        try (StorageEngine cache = Larder.open(uri)) {
            System.out.println("opened " + uri + " -> engine '" + cache.name() + "', capabilities "
                    + cache.capabilities());
            Key page = Key.of("https://example.org/index.html");
            Key french = Key.of("https://example.org/index.html", Variant.of("lang", "fr", "device", "mobile"));

            long v1 = cache.set(page, bytes("<h1>Hello</h1>"), Expiry.after(Duration.ofMinutes(5)), 0);
            cache.set(french, bytes("<h1>Bonjour</h1>"), Expiry.after(Duration.ofMinutes(5)), 0);
            System.out.println("set two variants; version (ETag) of the default one: " + v1);

            Outcome cas = cache.compareAndSet(page, v1, bytes("<h1>Hello again</h1>"), Expiry.never(), 0);
            Outcome stale = cache.compareAndSet(page, v1, bytes("<h1>lost update</h1>"), Expiry.never(), 0);
            System.out.println("CAS with the current version: " + cas + "; again with the stale one: " + stale);
            check(cas.isStored() && stale.status() == Outcome.Status.EXISTS, "CAS outcomes");

            Entry entry = cache.get(page);
            System.out.println("get -> '" + entry.valueAsString() + "' version " + entry.version());
            check(entry.valueAsString().equals("<h1>Hello again</h1>"), "value after CAS");

            cache.set(Key.of("hits:/index.html"), bytes("41"));
            CounterResult hits = cache.increment(Key.of("hits:/index.html"), 1);
            System.out.println("increment -> " + Long.toUnsignedString(hits.value()));
            check(hits.value() == 42, "counter");

            System.out.println("variants of the page: " + cache.variants("https://example.org/index.html"));
            int purged = cache.invalidate("https://example.org/index.html");
            System.out.println("purged " + purged + " variants; get now -> " + cache.get(french));
            check(purged == 2 && cache.get(french) == null, "purge");
            System.out.println("stats: " + cache.stats());
        }
        System.out.println("ok");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("engine misbehaved: " + what);
        }
    }
}
