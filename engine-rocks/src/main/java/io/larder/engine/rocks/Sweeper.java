package io.larder.engine.rocks;

import io.larder.engine.rocks.Figures.Gone;
import io.larder.spi.Clock;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.RocksIterator;

/**
 * Background reclaim: expired entries through the expiry column family (rows ordered by expiry
 * time, so a run reads only the rows that are due), entries a tag's remove mark invalidated through
 * the tag rows (only the rows below the mark), and the file modes of files RocksDB created since the
 * last run. At most {@value #MAX_BATCH} entries per kind
 * per run, each removed in its own batch under its key's stripe, so writers are never held long.
 */
final class Sweeper {

    static final int MAX_BATCH = 1000;

    private final Store store;
    private final WritePath writes;
    private final Watermarks marks;
    private final Figures figures;
    private final Clock clock;

    Sweeper(Store store, WritePath writes, Watermarks marks, Figures figures, Clock clock) {
        this.store = store;
        this.writes = writes;
        this.marks = marks;
        this.figures = figures;
        this.clock = clock;
    }

    /** One run; returns how many entries it removed. */
    int run() {
        int removed = sweepExpired();
        for (String tag : marks.removing()) {
            removed += sweepTag(tag);
        }
        store.restrictFiles();
        return removed;
    }

    int sweepExpired() {
        long now = clock.millis();
        int removed = 0;
        // rows with expiresAt <= now sort below the first key of now + 1
        try (Range range = Range.below(store, store.expiry, Records.longBytes(now + 1))) {
            RocksIterator it = range.iterator();
            for (it.seekToFirst(); it.isValid() && removed < MAX_BATCH; it.next()) {
                byte[] row = it.key();
                long expiresAt = Records.longOf(row, 0);
                long version = Records.longOf(row, 8);
                byte[] k = Arrays.copyOfRange(row, 16, row.length);
                if (remove(k, version, expiresAt)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private int sweepTag(String tag) {
        long removeMark = marks.removeMark(tag);
        int removed = 0;
        if (removeMark > 0) {
            byte[] prefix = Records.tagPrefix(tag.getBytes(StandardCharsets.UTF_8));
            try (Range range = Range.of(store, store.tagged, prefix)) {
                RocksIterator it = range.iterator();
                for (it.seek(prefix); it.isValid() && removed < MAX_BATCH; it.next()) {
                    byte[] row = it.key();
                    long version = Records.longOf(row, prefix.length);
                    if (version >= removeMark) {
                        break;
                    }
                    if (remove(Arrays.copyOfRange(row, prefix.length + 8, row.length), version, -1)) {
                        removed++;
                    }
                }
            }
        }
        return removed;
    }

    /** Removes the entry under {@code k} if it is still that version and gone (expiry -1: any). */
    private boolean remove(byte[] k, long version, long expiresAt) {
        ReentrantLock stripe = writes.stripe(k);
        stripe.lock();
        try {
            Record cur = writes.record(k);
            if (cur == null || cur.version() != version || (expiresAt != -1 && cur.expiresAt() != expiresAt)) {
                return false;
            }
            Gone gone = writes.gone(cur, clock.millis());
            if (gone == null) {
                return false;
            }
            writes.replace(k, cur, null, -1);
            figures.count(gone);
            return true;
        } finally {
            stripe.unlock();
        }
    }
}
