package io.larder.tck;

import static io.larder.tck.TckValues.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.larder.spi.ComputeAction;
import io.larder.spi.EngineClosedException;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.NonNumericValueException;
import io.larder.spi.StorageEngine;
import io.larder.spi.ValueTooLargeException;
import io.larder.spi.Variant;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Suite 6: bad input to every operation gets a clear exception and leaves the store exactly as it
 * was (compared with a snapshot of every key the suite wrote); use after close is refused.
 */
public interface BadInputTck extends TckSuite {

    @Test
    default void nullsAreRefusedByEveryOperation() {
        Key k = Key.of("k");
        byte[] v = bytes("v");
        ByteBuffer b = ByteBuffer.wrap(v);
        Expiry x = Expiry.never();
        Map<String, Consumer<StorageEngine>> calls = new LinkedHashMap<>();
        calls.put("get(null)", e -> e.get(null));
        calls.put("read(null, r)", e -> e.read(null, view -> view));
        calls.put("read(k, null)", e -> e.read(k, null));
        calls.put("copyValue(null, b)", e -> e.copyValue(null, ByteBuffer.allocate(4)));
        calls.put("copyValue(k, null)", e -> e.copyValue(k, null));
        calls.put("set(null, v)", e -> e.set(null, v));
        calls.put("set(k, null byte[])", e -> e.set(k, (byte[]) null));
        calls.put("set(k, null buffer)", e -> e.set(k, (ByteBuffer) null, x, 0));
        calls.put("set(k, v, null expiry)", e -> e.set(k, v, null, 0));
        calls.put("set(k, b, null expiry)", e -> e.set(k, b, null, 0));
        calls.put("add(null)", e -> e.add(null, v, x, 0));
        calls.put("add(k, null)", e -> e.add(k, (byte[]) null, x, 0));
        calls.put("add(k, v, null)", e -> e.add(k, v, null, 0));
        calls.put("replace(null)", e -> e.replace(null, v, x, 0));
        calls.put("replace(k, null)", e -> e.replace(k, (ByteBuffer) null, x, 0));
        calls.put("replace(k, v, null)", e -> e.replace(k, v, null, 0));
        calls.put("cas(null)", e -> e.compareAndSet(null, 1, v, x, 0));
        calls.put("cas(k, 1, null)", e -> e.compareAndSet(k, 1, (byte[]) null, x, 0));
        calls.put("cas(k, 1, v, null)", e -> e.compareAndSet(k, 1, v, null, 0));
        calls.put("delete(null)", e -> e.delete(null));
        calls.put("delete(null, 1)", e -> e.delete(null, 1));
        calls.put("touch(null)", e -> e.touch(null, x));
        calls.put("touch(k, null)", e -> e.touch(k, null));
        calls.put("getAndTouch(null)", e -> e.getAndTouch(null, x));
        calls.put("getAndTouch(k, null)", e -> e.getAndTouch(k, null));
        calls.put("append(null)", e -> e.append(null, v));
        calls.put("append(k, null)", e -> e.append(k, (byte[]) null));
        calls.put("prepend(k, null)", e -> e.prepend(k, (ByteBuffer) null));
        calls.put("increment(null)", e -> e.increment(null, 1));
        calls.put("decrement(null)", e -> e.decrement(null, 1));
        calls.put("compute(null)", e -> e.compute(null, cur -> ComputeAction.keep()));
        calls.put("compute(k, null)", e -> e.compute(k, null));
        calls.put("invalidate(null bytes)", e -> e.invalidate((byte[]) null));
        calls.put("invalidate(null string)", e -> e.invalidate((String) null));
        calls.put("variants(null)", e -> e.variants((byte[]) null));
        assertRefusedAndUnchanged(calls, NullPointerException.class, "null");
    }

    @Test
    default void oversizedValuesAreRefusedNamingTheLimit() {
        try (EngineUnderTest t = openEngine()) {
            long max = t.engine().maxValueSize();
            if (max >= Integer.MAX_VALUE - 16 || max > 256L << 20) {
                return; // no array can exceed it here
            }
            byte[] big = new byte[(int) max + 1];
            ByteBuffer bigBuffer = ByteBuffer.allocateDirect((int) max + 1);
            Map<String, Consumer<StorageEngine>> calls = new LinkedHashMap<>();
            calls.put("set", e -> e.set(Key.of("k0"), big));
            calls.put("set(buffer)", e -> e.set(Key.of("k0"), bigBuffer, Expiry.never(), 0));
            calls.put("set(new key)", e -> e.set(Key.of("new"), big));
            calls.put("add", e -> e.add(Key.of("new"), big, Expiry.never(), 0));
            calls.put("replace", e -> e.replace(Key.of("k0"), big, Expiry.never(), 0));
            calls.put("cas", e -> e.compareAndSet(Key.of("k0"), e.get(Key.of("k0")).version(), big, Expiry.never(), 0));
            calls.put("append", e -> e.append(Key.of("k0"), big));
            calls.put("append past the limit", e -> e.append(Key.of("k0"), new byte[(int) max]));
            calls.put("prepend past the limit", e -> e.prepend(Key.of("k0"), new byte[(int) max]));
            calls.put("compute store", e -> e.compute(Key.of("k0"), cur -> ComputeAction.store(big, Expiry.never(), 0)));
            assertRefusedAndUnchanged(calls, ValueTooLargeException.class, Long.toString(max));
        }
    }

    @Test
    default void nonVersionsAndNonNumbersAreRefused() {
        Map<String, Consumer<StorageEngine>> calls = new LinkedHashMap<>();
        calls.put("cas version 0", e -> e.compareAndSet(Key.of("k0"), 0, bytes("x"), Expiry.never(), 0));
        calls.put("cas version -1", e -> e.compareAndSet(Key.of("k0"), -1, bytes("x"), Expiry.never(), 0));
        calls.put("delete version 0", e -> e.delete(Key.of("k0"), 0));
        calls.put("empty primary invalidate", e -> e.invalidate(new byte[0]));
        calls.put("empty primary variants", e -> e.variants(""));
        calls.put("copy into read-only", e -> e.copyValue(Key.of("k0"), ByteBuffer.allocate(64).asReadOnlyBuffer()));
        assertRefusedAndUnchanged(calls, IllegalArgumentException.class, "");

        Map<String, Consumer<StorageEngine>> longPrimaries = new LinkedHashMap<>();
        longPrimaries.put("long primary invalidate", e -> e.invalidate(new byte[8193]));
        longPrimaries.put("long primary variants", e -> e.variants(new byte[8193]));
        longPrimaries.put("long UTF-8 primary invalidate", e -> e.invalidate("\u00e9".repeat(4096) + "x"));
        longPrimaries.put("long UTF-8 primary variants", e -> e.variants("\ud83d\ude00".repeat(2048) + "x"));
        assertRefusedAndUnchanged(longPrimaries, IllegalArgumentException.class, "1..8192");

        // Valid when made, too far once resolved against now: refused at write time, store unchanged.
        Expiry tooFar = Expiry.after(java.time.Duration.ofMillis(Expiry.MAX_EPOCH_MILLIS - 1000));
        Map<String, Consumer<StorageEngine>> late = new LinkedHashMap<>();
        late.put("set", e -> e.set(Key.of("k0"), bytes("x"), tooFar, 0));
        late.put("set(new key)", e -> e.set(Key.of("new"), bytes("x"), tooFar, 0));
        late.put("add", e -> e.add(Key.of("new"), bytes("x"), tooFar, 0));
        late.put("replace", e -> e.replace(Key.of("k0"), bytes("x"), tooFar, 0));
        late.put("cas", e -> e.compareAndSet(Key.of("k0"), e.get(Key.of("k0")).version(), bytes("x"), tooFar, 0));
        late.put("touch", e -> e.touch(Key.of("k1"), tooFar));
        late.put("getAndTouch", e -> e.getAndTouch(Key.of("k1"), tooFar));
        late.put("compute store", e -> e.compute(Key.of("k0"), cur -> ComputeAction.store(bytes("x"), tooFar, 0)));
        assertRefusedAndUnchanged(late, IllegalArgumentException.class, "latest expiry");

        Map<String, Consumer<StorageEngine>> counters = new LinkedHashMap<>();
        counters.put("increment text", e -> e.increment(Key.of("k1"), 1));
        counters.put("decrement text", e -> e.decrement(Key.of("k1"), 1));
        assertRefusedAndUnchanged(counters, NonNumericValueException.class, "non-numeric");

        Map<String, Consumer<StorageEngine>> functions = new LinkedHashMap<>();
        functions.put("compute answering null", e -> e.compute(Key.of("k0"), cur -> null));
        functions.put("compute throwing", e -> e.compute(Key.of("k0"), cur -> {
            throw new IllegalStateException("from the function");
        }));
        assertRefusedAndUnchanged(functions, RuntimeException.class, "");
    }

    @Test
    default void keysAndExpiriesRefuseBadInputBeforeAnyEngineSeesIt() {
        assertThatThrownBy(() -> Key.of(new byte[8193])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8193 bytes").hasMessageContaining("1..8192");
        assertThatThrownBy(() -> Key.of("\ud83d\ude00".repeat(2048) + "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8193 bytes").hasMessageContaining("1..8192");
        assertThatThrownBy(() -> Key.of("")).hasMessageContaining("1..8192");
        assertThatThrownBy(() -> Variant.of("cookie", "c".repeat(4097))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cookie'").hasMessageContaining("4097 bytes").hasMessageContaining("4096");
        assertThatThrownBy(() -> Variant.of("accept", "\u20ac".repeat(1365) + "\u00e9"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4097 bytes").hasMessageContaining("4096");
        assertThatThrownBy(() -> Variant.of("Bad Name", "x")).hasMessageContaining("[a-z0-9._-]");
        assertThatThrownBy(() -> Expiry.afterMillis(-1)).hasMessageContaining("negative");
        assertThatThrownBy(() -> Expiry.at(java.time.Instant.MAX)).hasMessageContaining("absurd");
    }

    @Test
    default void useAfterCloseIsRefusedAndCloseIsIdempotent() {
        EngineUnderTest t = openEngine();
        try {
            StorageEngine e = t.engine();
            e.set(Key.of("k"), bytes("v"));
            e.close();
            e.close();
            Key k = Key.of("k");
            List<Runnable> calls = List.of(() -> e.get(k), () -> e.read(k, v -> v),
                    () -> e.copyValue(k, ByteBuffer.allocate(4)), () -> e.set(k, bytes("v")),
                    () -> e.add(k, bytes("v"), Expiry.never(), 0), () -> e.replace(k, bytes("v"), Expiry.never(), 0),
                    () -> e.compareAndSet(k, 1, bytes("v"), Expiry.never(), 0), () -> e.delete(k),
                    () -> e.delete(k, 1), () -> e.touch(k, Expiry.never()), () -> e.getAndTouch(k, Expiry.never()),
                    () -> e.append(k, bytes("v")), () -> e.prepend(k, bytes("v")), () -> e.increment(k, 1),
                    () -> e.decrement(k, 1), () -> e.compute(k, cur -> ComputeAction.keep()),
                    () -> e.invalidate("k"), () -> e.variants("k"), e::clear);
            // stats() is not among them: after close it gives the last figures (EngineStats), so a
            // metrics scrape that outlives the engine stays quiet.
            for (int i = 0; i < calls.size(); i++) {
                Runnable call = calls.get(i);
                assertThatThrownBy(call::run).as("call %d after close", i).isInstanceOf(EngineClosedException.class)
                        .hasMessageContaining("closed");
            }
        } finally {
            t.close();
        }
    }

    /**
     * Runs each call on an engine holding known entries and checks that it throws {@code type}
     * (with {@code messagePart}, when not empty) and that every known entry, the variants, and the
     * entry count are as before.
     */
    private void assertRefusedAndUnchanged(Map<String, Consumer<StorageEngine>> calls,
            Class<? extends Throwable> type, String messagePart) {
        try (EngineUnderTest t = openEngine()) {
            StorageEngine e = t.engine();
            List<Key> keys = new ArrayList<>();
            keys.add(Key.of("k0"));
            keys.add(Key.of("k1"));
            keys.add(Key.of("k0", Variant.of("lang", "fr")));
            keys.add(Key.of("k"));
            keys.add(Key.of("new"));
            e.set(keys.get(0), bytes("zero"));
            e.set(keys.get(1), bytes("one-text"), Expiry.after(java.time.Duration.ofMinutes(1)), 3);
            e.set(keys.get(2), bytes("fr"));
            e.set(keys.get(3), bytes("kv"));
            Map<Key, Entry> before = snapshot(e, keys);
            long entries = e.stats().entries();
            for (Map.Entry<String, Consumer<StorageEngine>> call : calls.entrySet()) {
                Throwable thrown = catchThrowable(() -> call.getValue().accept(e));
                assertThat(thrown).as(call.getKey()).isInstanceOf(type);
                if (!messagePart.isEmpty()) {
                    assertThat(thrown.getMessage()).as(call.getKey() + " message").containsIgnoringCase(messagePart);
                }
                assertThat(snapshot(e, keys)).as("store after " + call.getKey()).isEqualTo(before);
                assertThat(new HashSet<>(e.variants("k0"))).as("variants after " + call.getKey())
                        .containsExactlyInAnyOrder(Variant.EMPTY, Variant.of("lang", "fr"));
                assertThat(e.stats().entries()).as("entries after " + call.getKey()).isEqualTo(entries);
            }
        }
    }

    private static Map<Key, Entry> snapshot(StorageEngine e, List<Key> keys) {
        Map<Key, Entry> snapshot = new LinkedHashMap<>();
        for (Key key : keys) {
            snapshot.put(key, e.get(key));
        }
        return snapshot;
    }
}
