package io.larder.engine.lmdb;

import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Variant;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entries of the store-format-2 fixture ({@code src/test/resources/format2-store/data.mdb}),
 * read back by {@link LmdbFormatUpgradeTest}. The fixture was written by the last build of store
 * format 2 (commit 19441fb), with this class and a one-off test that ran
 * {@code write(Stores.open(dir, new ManualClock(WRITTEN_AT), "capacity", "8m", "sweepInterval",
 * "1h"), clock)} and closed the engine; only {@code data.mdb} is kept (LMDB rebuilds its lock file).
 */
final class Format2Fixture {

    /** The clock the fixture was written at (2023-11-14T22:13:20Z). */
    static final long WRITTEN_AT = 1_700_000_000_000L;
    /** The expiry of the odd-numbered entries: 2100-01-01T00:00:00Z. */
    static final long FAR_EXPIRY = 4_102_444_800_000L;

    /** One entry as written. */
    record Item(Key key, byte[] value, long expiresAt, int flags) {
    }

    private Format2Fixture() {
    }

    /** Every live entry of the fixture, in the order they were written. */
    static Map<Key, Item> live() {
        Map<Key, Item> items = new LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            Key key = Key.of("k" + i);
            items.put(key, new Item(key, ("value-" + i).repeat(1 + i % 5).getBytes(StandardCharsets.UTF_8),
                    i % 2 == 0 ? 0 : FAR_EXPIRY, i * 7));
        }
        Key longPrimary = Key.of("p".repeat(600));
        items.put(longPrimary, new Item(longPrimary, utf8("under a digested primary"), 0, 1));
        for (int i = 0; i < 3; i++) {
            Key v = Key.of("page", Variant.of("accept", "text/html", "lang", "x".repeat(300) + i));
            items.put(v, new Item(v, utf8("long variant " + i), FAR_EXPIRY, 2));
            Key s = Key.of("page", Variant.of("lang", "l" + i));
            items.put(s, new Item(s, utf8("short variant " + i), 0, 3));
        }
        byte[] big = new byte[20_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        Key bigKey = Key.of("big");
        items.put(bigKey, new Item(bigKey, big, 0, 4));
        Key empty = Key.of("empty");
        items.put(empty, new Item(empty, new byte[0], FAR_EXPIRY, 5));
        return items;
    }

    /** The key whose entry had expired by the time the fixture was closed. */
    static final Key EXPIRED = Key.of("expired");

    /** Writes the fixture with an engine of the build under test (run on the build before format 3). */
    static void write(LmdbEngine engine, io.larder.spi.ManualClock clock) {
        for (Item item : live().values()) {
            engine.set(item.key(), item.value(), item.expiresAt() == 0 ? Expiry.never()
                    : Expiry.atEpochMillis(item.expiresAt()), item.flags());
        }
        engine.set(EXPIRED, utf8("gone"), Expiry.afterMillis(1_000), 9);
        clock.advanceMillis(5_000);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
