package io.larder.engine.offheap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which keys expire when: for each Chronicle segment, the keys of its entries that can expire,
 * grouped by the tick (of {@code resolution} milliseconds) at or after which they expire. A sweep
 * takes only the due ticks' keys, so it costs what expires, not what is stored; entries that never
 * expire are not indexed at all.
 *
 * <p>The store adds and removes keys under the key's segment lock, so an entry that can expire is
 * always in the tick of its expiry, except while a sweep holds it between {@link #takeDue} and its
 * own locked check. Each segment's part is guarded by its own monitor, which nothing holds while
 * taking a Chronicle lock.
 */
final class ExpiryIndex {

    private final long resolution;
    private final Shard[] shards;

    ExpiryIndex(int segments, long resolutionMillis) {
        this.resolution = Math.max(1, resolutionMillis);
        this.shards = new Shard[segments];
        for (int i = 0; i < segments; i++) {
            shards[i] = new Shard();
        }
    }

    /** The first tick whose time is at or after {@code expiresAt}: due once the clock reaches it. */
    private long tick(long expiresAt) {
        return expiresAt / resolution + (expiresAt % resolution == 0 ? 0 : 1);
    }

    void add(int segment, byte[] key, int keyLength, long expiresAt) {
        if (expiresAt == 0) {
            return;
        }
        Shard shard = shards[segment];
        ByteKey k = new ByteKey(Arrays.copyOf(key, keyLength));
        synchronized (shard) {
            if (shard.byTick.computeIfAbsent(tick(expiresAt), t -> new HashSet<>(4)).add(k)) {
                shard.size++;
            }
        }
    }

    void remove(int segment, byte[] key, int keyLength, long expiresAt) {
        if (expiresAt == 0) {
            return;
        }
        Shard shard = shards[segment];
        ByteKey k = new ByteKey(Arrays.copyOf(key, keyLength));
        long tick = tick(expiresAt);
        synchronized (shard) {
            Set<ByteKey> keys = shard.byTick.get(tick);
            if (keys != null && keys.remove(k)) {
                shard.size--;
                if (keys.isEmpty()) {
                    shard.byTick.remove(tick);
                }
            }
        }
    }

    /** Moves a key from one expiry's tick to another's. */
    void move(int segment, byte[] key, int keyLength, long oldExpiresAt, long newExpiresAt) {
        if (oldExpiresAt == newExpiresAt || (oldExpiresAt != 0 && newExpiresAt != 0
                && tick(oldExpiresAt) == tick(newExpiresAt))) {
            return;
        }
        remove(segment, key, keyLength, oldExpiresAt);
        add(segment, key, keyLength, newExpiresAt);
    }

    /** Removes and returns the keys of the segment's ticks due at {@code now}. */
    List<byte[]> takeDue(int segment, long now) {
        Shard shard = shards[segment];
        List<byte[]> due = new ArrayList<>();
        synchronized (shard) {
            Iterator<Map.Entry<Long, Set<ByteKey>>> it = shard.byTick.headMap(now / resolution, true)
                    .entrySet().iterator();
            while (it.hasNext()) {
                Set<ByteKey> keys = it.next().getValue();
                for (ByteKey k : keys) {
                    due.add(k.bytes);
                }
                shard.size -= keys.size();
                it.remove();
            }
        }
        return due;
    }

    /** Keys indexed, over all segments. */
    long size() {
        long n = 0;
        for (Shard shard : shards) {
            synchronized (shard) {
                n += shard.size;
            }
        }
        return n;
    }

    private static final class Shard {
        final TreeMap<Long, Set<ByteKey>> byTick = new TreeMap<>();
        long size;
    }

    /** An encoded key with value equality. */
    static final class ByteKey {
        final byte[] bytes;
        private final int hash;

        ByteKey(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey && ((ByteKey) o).hash == hash && Arrays.equals(((ByteKey) o).bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
