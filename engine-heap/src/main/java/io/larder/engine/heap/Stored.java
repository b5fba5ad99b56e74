package io.larder.engine.heap;

import io.larder.spi.Entry;
import io.larder.spi.EntryView;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One entry of the reference engine: immutable but for its hit statistics, which change under the
 * engine's lock.
 */
final class Stored {
    final byte[] value;
    final long version;
    final long expiresAt;
    final int flags;
    final long storedAt;
    final List<String> tags;
    final int tagBytes;
    /** Marked stale itself (a stale watermark may make it stale too). */
    final boolean staleMark;
    final boolean placeholder;
    final long leaseUntil;
    // changed by read hits, under the engine's lock
    int hits;
    long lastAccess;

    Stored(byte[] value, long version, long expiresAt, int flags, long storedAt, List<String> tags,
            boolean staleMark, boolean placeholder, long leaseUntil) {
        this.value = value;
        this.version = version;
        this.expiresAt = expiresAt;
        this.flags = flags;
        this.storedAt = storedAt;
        this.tags = tags;
        int bytes = 0;
        for (String tag : tags) {
            bytes += tag.getBytes(StandardCharsets.UTF_8).length + 2;
        }
        this.tagBytes = bytes;
        this.staleMark = staleMark;
        this.placeholder = placeholder;
        this.leaseUntil = leaseUntil;
        this.lastAccess = storedAt;
    }

    Stored withExpiresAt(long newExpiresAt) {
        return copy(version, newExpiresAt, staleMark, leaseUntil);
    }

    /** A new version of the same value: marked stale, or leased. */
    Stored marked(long newVersion, long newExpiresAt, boolean stale, long newLeaseUntil) {
        return copy(newVersion, newExpiresAt, stale, newLeaseUntil);
    }

    private Stored copy(long newVersion, long newExpiresAt, boolean stale, long newLeaseUntil) {
        Stored next = new Stored(value, newVersion, newExpiresAt, flags, storedAt, tags, stale, placeholder,
                newLeaseUntil);
        next.hits = hits;
        next.lastAccess = lastAccess;
        return next;
    }

    void hit(long now) {
        hits = Math.min(Entry.MAX_HITS, hits + 1);
        lastAccess = now;
    }

    Entry toEntry(boolean stale, long now) {
        return new Entry(value.clone(), version, expiresAt, flags, storedAt, tags, stale, placeholder,
                leaseUntil > now, hits, lastAccess);
    }

    EntryView view(boolean stale, long now) {
        int hitsBefore = hits;
        long lastAccessBefore = lastAccess;
        boolean leased = leaseUntil > now;
        return new EntryView() {
            @Override
            public ByteBuffer value() {
                return ByteBuffer.wrap(value).asReadOnlyBuffer();
            }

            @Override
            public int valueLength() {
                return value.length;
            }

            @Override
            public long version() {
                return version;
            }

            @Override
            public long expiresAt() {
                return expiresAt;
            }

            @Override
            public int flags() {
                return flags;
            }

            @Override
            public long storedAt() {
                return storedAt;
            }

            @Override
            public List<String> tags() {
                return tags;
            }

            @Override
            public boolean stale() {
                return stale;
            }

            @Override
            public boolean leased() {
                return leased;
            }

            @Override
            public int hits() {
                return hitsBefore;
            }

            @Override
            public long lastAccess() {
                return lastAccessBefore;
            }
        };
    }
}
