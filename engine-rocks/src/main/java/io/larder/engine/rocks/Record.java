package io.larder.engine.rocks;

import java.util.List;

/**
 * One entry as the write path handles it, decoded from its record.
 *
 * @param value the value, empty for a placeholder
 * @param version the version
 * @param expiresAt epoch ms, 0 for never
 * @param flags client flags
 * @param storedAt epoch ms of the last value write
 * @param tags the tags
 * @param stale the entry's own stale mark (a tag's stale watermark may make it stale too)
 * @param placeholder whether it is a lease placeholder
 * @param leaseUntil epoch ms the lease ends, 0 for none
 * @param queuePos the position of its row in the eviction queue when it was last written
 */
record Record(byte[] value, long version, long expiresAt, int flags, long storedAt, List<String> tags,
        boolean stale, boolean placeholder, long leaseUntil, long queuePos) {
}
