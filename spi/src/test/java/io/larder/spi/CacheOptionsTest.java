package io.larder.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The limits and defaults of the cache-semantics options, and what an engine without them does. */
class CacheOptionsTest {

    @Test
    void tagsAreCheckedWhenTheOptionsAreMade() {
        List<String> sixteen = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            sixteen.add("t" + i);
        }
        assertThat(WriteOptions.none().withTags(sixteen).tags()).hasSize(16);
        sixteen.add("one more");
        assertThatThrownBy(() -> WriteOptions.none().withTags(sixteen))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 16 tags, got 17");
        assertThat(WriteOptions.tagged("é".repeat(125)).tags()).hasSize(1);
        assertThatThrownBy(() -> WriteOptions.tagged("é".repeat(125) + "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..250 bytes of UTF-8, got 251");
        assertThatThrownBy(() -> WriteOptions.tagged(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> WriteOptions.tagged("a", "b", "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a' is given twice");
        assertThatThrownBy(() -> WriteOptions.tagged("\uD800"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> WriteOptions.tagged("a", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void writeOptionsKeepTheirTagsUnmodifiable() {
        List<String> tags = new ArrayList<>(List.of("a", "b"));
        WriteOptions options = WriteOptions.none().withTags(tags);
        tags.add("c");
        assertThat(options.tags()).containsExactly("a", "b");
        assertThatThrownBy(() -> options.tags().add("d")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(options.expiry()).isEqualTo(Expiry.never());
        assertThat(options.withFlags(7).flags()).isEqualTo(7);
    }

    @Test
    void leaseOptionsRefuseNonsenseAndRoundUpToMilliseconds() {
        assertThatThrownBy(() -> LeaseOptions.of(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease time must be positive");
        assertThatThrownBy(() -> LeaseOptions.of(Duration.ofSeconds(1)).withRecacheBelow(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zero or positive");
        assertThatThrownBy(() -> LeaseOptions.of(Duration.ofDays(365L * 20_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most");
        LeaseOptions options = LeaseOptions.of(Duration.ofNanos(1_500_000));
        assertThat(options.leaseMillis()).isEqualTo(2);
        assertThat(options.vivifyOnMiss()).isTrue();
        assertThat(options.acceptStale()).isTrue();
        assertThat(options.recacheBelowMillis()).isZero();
    }

    @Test
    void aTagGuardBelongsOnlyToAStore() {
        assertThat(ComputeAction.store(new byte[0], WriteOptions.tagged("t")).ifTagsNotInvalidatedSince(5).tagGuard())
                .isEqualTo(5);
        assertThatThrownBy(() -> ComputeAction.keep().ifTagsNotInvalidatedSince(5))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ComputeAction.lease(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ComputeAction.store(new byte[0], Expiry.never(), 0).needsCacheSemantics()).isFalse();
        assertThat(ComputeAction.markStale(null).needsCacheSemantics()).isTrue();
    }

    @Test
    void anEngineWithoutTheCapabilityRefusesCacheOperationsAndKeepsEverythingElse() {
        StorageEngine plain = new MapEngine();
        Key key = Key.of("k");
        assertThatThrownBy(() -> plain.lookup(key, LeaseOptions.of(Duration.ofSeconds(1))))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("CACHE_SEMANTICS");
        assertThatThrownBy(() -> plain.set(key, new byte[1], WriteOptions.tagged("t")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> plain.invalidateTag("t", InvalidationMode.REMOVE))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> plain.markStale(key, null)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(plain.get(key)).as("nothing was stored by the refused calls").isNull();
        long v = plain.set(key, new byte[] {1}, WriteOptions.none());
        assertThat(plain.compareAndSet(key, v, new byte[] {2}, WriteOptions.none()).status())
                .isEqualTo(Outcome.Status.STORED);
    }

    /** The smallest engine: one entry per key in a synchronized map, no cache semantics. */
    private static final class MapEngine implements StorageEngine {
        private final java.util.Map<Key, Entry> map = new java.util.HashMap<>();
        private long version;

        @Override
        public String name() {
            return "map";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public long maxValueSize() {
            return 1024;
        }

        @Override
        public synchronized <R> R read(Key key, EntryReader<R> reader) {
            Entry e = map.get(key);
            if (e == null) {
                return null;
            }
            return reader.read(new EntryView() {
                @Override
                public ByteBuffer value() {
                    return ByteBuffer.wrap(e.value()).asReadOnlyBuffer();
                }

                @Override
                public int valueLength() {
                    return e.value().length;
                }

                @Override
                public long version() {
                    return e.version();
                }

                @Override
                public long expiresAt() {
                    return e.expiresAt();
                }

                @Override
                public int flags() {
                    return e.flags();
                }

                @Override
                public long storedAt() {
                    return e.storedAt();
                }
            });
        }

        @Override
        public synchronized Entry compute(Key key, ComputeFunction function) {
            Entry current = map.get(key);
            ComputeAction action = Checks.action(this, function.apply(current));
            switch (action.kind()) {
                case STORE:
                    Entry stored = new Entry(action.value(), ++version, 0, action.flags(), 0);
                    map.put(key, stored);
                    return stored;
                case REMOVE:
                    map.remove(key);
                    return null;
                default:
                    return current;
            }
        }

        @Override
        public int invalidate(byte[] primary) {
            return 0;
        }

        @Override
        public List<Variant> variants(byte[] primary) {
            return List.of();
        }

        @Override
        public void clear() {
            map.clear();
        }

        @Override
        public EngineStats stats() {
            return new EngineStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, java.util.Map.of());
        }

        @Override
        public void close() {
        }
    }
}
