package io.larder.engine.offheap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An on-heap index from a primary's encoded prefix to the encoded variants stored under it, so that
 * {@code invalidate} and {@code variants} visit only that primary's keys instead of scanning a hash
 * map that keeps no order.
 *
 * <p>Only keys with a non-empty variant are indexed: the empty variant's key is the bare prefix and
 * is looked up directly, so a store of plain keys pays nothing. The engine adds a key when it
 * inserts it and removes it when the entry goes (delete, eviction, expiry, clear), each time under
 * that key's Chronicle segment lock, so the index never misses a stored variant; it may briefly
 * hold one whose entry has just gone, which the caller's own locked lookup then skips.
 *
 * <p>Every mutation of a primary's set happens inside {@link ConcurrentHashMap#compute}, under that
 * primary's bin lock, so an emptied set is dropped without racing a concurrent add.
 */
final class VariantIndex {

    /**
     * Estimated heap bytes per indexed variant (wrapper, array header, hash set node and table
     * slot), beyond the variant's own encoded bytes.
     */
    static final int BYTES_PER_VARIANT = 88;
    /** Estimated heap bytes per indexed primary (map node, wrapper, array header, empty set), beyond its prefix. */
    static final int BYTES_PER_PRIMARY = 160;

    private final ConcurrentHashMap<Bytes, Set<Bytes>> byPrefix = new ConcurrentHashMap<>();
    private final AtomicLong variants = new AtomicLong();
    private final AtomicLong heapBytes = new AtomicLong();

    /** Records {@code encoded[0, length)}, a key whose primary prefix is {@code prefixLength} bytes. */
    void add(byte[] encoded, int length, int prefixLength) {
        Bytes prefix = new Bytes(Arrays.copyOf(encoded, prefixLength));
        Bytes suffix = new Bytes(Arrays.copyOfRange(encoded, prefixLength, length));
        byPrefix.compute(prefix, (p, set) -> {
            Set<Bytes> s = set;
            if (s == null) {
                s = new HashSet<>(4);
                heapBytes.addAndGet(BYTES_PER_PRIMARY + prefixLength);
            }
            if (s.add(suffix)) {
                variants.incrementAndGet();
                heapBytes.addAndGet(BYTES_PER_VARIANT + suffix.bytes.length);
            }
            return s;
        });
    }

    /** Forgets {@code encoded[0, length)}. */
    void remove(byte[] encoded, int length, int prefixLength) {
        Bytes prefix = new Bytes(Arrays.copyOf(encoded, prefixLength));
        Bytes suffix = new Bytes(Arrays.copyOfRange(encoded, prefixLength, length));
        byPrefix.computeIfPresent(prefix, (p, set) -> {
            if (set.remove(suffix)) {
                variants.decrementAndGet();
                heapBytes.addAndGet(-(BYTES_PER_VARIANT + suffix.bytes.length));
            }
            if (set.isEmpty()) {
                heapBytes.addAndGet(-(BYTES_PER_PRIMARY + prefixLength));
                return null;
            }
            return set;
        });
    }

    /** The full encodings of the indexed variants of the primary with this prefix, at one instant. */
    List<byte[]> keysOf(byte[] prefix) {
        List<byte[]> keys = new ArrayList<>();
        byPrefix.computeIfPresent(new Bytes(prefix), (p, set) -> {
            for (Bytes suffix : set) {
                byte[] key = Arrays.copyOf(prefix, prefix.length + suffix.bytes.length);
                System.arraycopy(suffix.bytes, 0, key, prefix.length, suffix.bytes.length);
                keys.add(key);
            }
            return set;
        });
        return keys;
    }

    /** Variants indexed. */
    long variants() {
        return variants.get();
    }

    /** Primaries indexed. */
    long primaries() {
        return byPrefix.size();
    }

    /** Estimated heap the index takes. */
    long heapBytes() {
        return heapBytes.get();
    }

    /** An immutable byte string with value equality. */
    private static final class Bytes {
        final byte[] bytes;
        final int hash;

        Bytes(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes && ((Bytes) o).hash == hash && Arrays.equals(((Bytes) o).bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
