package io.larder.engine.lmdb;

import io.larder.spi.Key;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lmdbjava.Cursor;
import org.lmdbjava.Txn;

/** The consistency check of a store's databases, for tests and diagnosis. */
final class StoreCheck {

    private StoreCheck() {
    }

    /**
     * Checks that the indexes and the counter agree with the entries in {@code txn}'s snapshot;
     * returns what does not (empty when consistent).
     */
    static List<String> verify(Databases db, VersionCounter versions, Txn<ByteBuffer> txn) {
        List<String> problems = new ArrayList<>();
        long lastVersion = versions.last(txn);
        Map<ByteBuffer, Long> queued = new HashMap<>();
        try (Cursor<ByteBuffer> cursor = db.byAge.openCursor(txn)) {
            for (boolean more = cursor.first(); more; more = cursor.next()) {
                ByteBuffer row = cursor.val();
                int keyLength = row.remaining() - 8;
                ByteBuffer stored = ByteBuffer.wrap(EntryStore.bytesOf(row.duplicate().limit(row.position() + keyLength)));
                long version = row.getLong(row.position() + keyLength);
                if (cursor.key().getLong(0) > lastVersion) {
                    problems.add("a queue row is numbered beyond lastVersion " + lastVersion);
                }
                ByteBuffer record = db.entries.get(txn, ByteBuffer.allocateDirect(keyLength).put(stored.duplicate())
                        .flip());
                if (record != null && Record.version(record) == version
                        && queued.put(stored, version) != null) {
                    problems.add("an entry is queued twice");
                }
            }
        }
        long withExpiry = 0;
        long tagRows = 0;
        long count = 0;
        try (Cursor<ByteBuffer> cursor = db.entries.openCursor(txn)) {
            for (boolean more = cursor.first(); more; more = cursor.next()) {
                count++;
                ByteBuffer record = cursor.val();
                byte[] storedKey = EntryStore.bytesOf(cursor.key());
                long version = Record.version(record);
                long expiresAt = Record.expiresAt(record);
                Key decoded = Key.decode(Record.fullKey(record, cursor.key()));
                ByteBuffer expected = ByteBuffer.allocateDirect(StoredKey.MAX_LMDB_KEY);
                StoredKey.write(decoded, expected);
                if (!expected.equals(ByteBuffer.wrap(storedKey))) {
                    problems.add("entry " + decoded + " is stored under the wrong LMDB key");
                }
                if (version <= 0 || version > lastVersion) {
                    problems.add("entry " + decoded + " has version " + version + " beyond lastVersion "
                            + lastVersion);
                }
                Long inQueue = queued.get(ByteBuffer.wrap(storedKey));
                if (inQueue == null || inQueue != version) {
                    problems.add("entry " + decoded + " of version " + version + " is missing from byAge");
                }
                byte[] area = Record.tagArea(record);
                for (int at = 0; at < area.length; at += 1 + Byte.toUnsignedInt(area[at])) {
                    tagRows++;
                    int n = Byte.toUnsignedInt(area[at]);
                    ByteBuffer row = ByteBuffer.allocateDirect(1 + n + 8).put((byte) n).put(area, at + 1, n)
                            .putLong(version).flip();
                    ByteBuffer byTag = db.byTag.get(txn, row);
                    if (byTag == null || !byTag.equals(ByteBuffer.wrap(storedKey))) {
                        problems.add("entry " + decoded + " of version " + version + " is missing from byTag");
                    }
                }
                if (expiresAt != 0) {
                    withExpiry++;
                    ByteBuffer byExp = db.byExpiry.get(txn,
                            ByteBuffer.allocateDirect(16).putLong(0, expiresAt).putLong(8, version));
                    if (byExp == null || !byExp.equals(ByteBuffer.wrap(storedKey))) {
                        problems.add("entry " + decoded + " expiring at " + expiresAt + " is missing from byExpiry");
                    }
                }
            }
        }
        if (queued.size() != count) {
            problems.add("byAge queues " + queued.size() + " entries for " + count + " entries");
        }
        long expiries = db.byExpiry.stat(txn).entries;
        if (expiries != withExpiry) {
            problems.add("byExpiry has " + expiries + " entries for " + withExpiry + " expiring entries");
        }
        long byTag = db.byTag.stat(txn).entries;
        if (byTag != tagRows) {
            problems.add("byTag has " + byTag + " rows for " + tagRows + " tags of entries");
        }
        return problems;
    }
}
