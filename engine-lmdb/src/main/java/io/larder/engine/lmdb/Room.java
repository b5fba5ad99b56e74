package io.larder.engine.lmdb;

import java.nio.ByteBuffer;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * Keeps room in the map, LMDB's way of counting it.
 *
 * <p>LMDB never writes a page in place: a write copies every page it changes, and the pages it
 * frees can be reused only once no read transaction (of any process) still sees them, and never by
 * the next two write transactions. A value larger than a page needs a run of free pages in a row.
 * So the map must hold, besides the entries' own pages, the pages pinned by open reads, the last
 * transactions' garbage and the gaps of a fragmented free list. Entries are therefore kept at most
 * {@value #EVICT_ABOVE_PERCENT}% of the map: a write that leaves them above it evicts, in its own
 * transaction, at most {@value #EVICT_IN_WRITE} entries towards {@value #EVICT_TO_PERCENT}%, checking
 * after each. Every transaction run for room stays small, since what it copies is what it needs free.
 *
 * <p>If a write still meets a full map ({@code MDB_MAP_FULL}: a read held open for long, another
 * process, fragmentation), {@link #recover} evicts what that write needs (doubling on each failed
 * retry, a few times at most), in transactions of at most {@value #RECOVER_BATCH} entries, then commits two small transactions so
 * that LMDB may reuse what was freed, and the write is retried. Recovery first stops at half the low
 * mark and waits: what stops the write is most likely pages pinned by a read, and evicting more
 * would not help. Only if that lasts does it evict further (LMDB may also miss a run of free pages
 * for a large value in a fragmented free list); when nothing is left, or not even a one-entry
 * eviction finds its pages, the write waits for readers.
 */
final class Room {

    static final int EVICT_ABOVE_PERCENT = 60;
    static final int EVICT_TO_PERCENT = 55;
    /** Most expired entries one write sweeps on its way to making room. */
    static final int SWEEP_IN_WRITE = 8;
    /** Fewest rows one sweep transaction takes, however small the map. */
    static final int MIN_SWEEP_BATCH = 8;
    /** Most entries one write evicts in its own transaction. */
    static final int EVICT_IN_WRITE = 4;
    /** Most queue rows one write handles (second chances included) in its own transaction. */
    static final int STEPS_IN_WRITE = 32;
    /** Most entries recovery evicts in one of its transactions (halved when even that meets a full map). */
    static final int RECOVER_BATCH = 16;
    /** Most transactions one recovery runs. */
    static final int RECOVER_TRANSACTIONS = 256;
    /** Pages a write needs besides its record: the tree pages it copies. */
    static final int WRITE_SLACK_PAGES = 16;
    /** Queue rows recovery looks through for a record as large as the one a write needs. */
    static final int LARGE_SCAN = 10_000;
    /** Failed retries after which recovery stops doubling what it evicts. */
    static final int MAX_DOUBLINGS = 3;

    private final Databases db;
    private final EntryStore store;
    private final VersionCounter versions;
    private final long mapPages;
    private final long highPages;
    private final long lowPages;
    /**
     * Pages this process's writes may still add before the next look at the trees' size. Counting
     * the pages asks LMDB for every database's statistics, which through lmdbjava allocates a struct
     * per database: most of what a write allocated. A look that finds the trees below the high mark
     * grants half the pages left (other processes write into the same map), capped; each write then
     * spends its record's pages and {@value #WRITE_SLACK_PAGES} more.
     */
    private long unmeasuredPages;
    /** Most pages one look grants, so a look happens at least every few hundred writes. */
    static final long MAX_UNMEASURED_PAGES = 4_096;

    Room(Databases db, EntryStore store, VersionCounter versions, long capacity) {
        this.db = db;
        this.store = store;
        this.versions = versions;
        this.mapPages = capacity / db.pageSize;
        this.highPages = mapPages * EVICT_ABOVE_PERCENT / 100;
        this.lowPages = mapPages * EVICT_TO_PERCENT / 100;
    }

    /**
     * Called by a write after its work, in its transaction: above the high mark, sweeps a few
     * expired entries and evicts a few entries, towards the low mark. The work is bounded because
     * every leaf a transaction changes is copied, and the old copy is reusable only after the
     * commit: evicting far under random keys in one transaction touches nearly every leaf and
     * needs more free pages than the map has. A few evictions per write still outpace the one
     * entry a write adds.
     */
    void makeRoom(Txn<ByteBuffer> txn, long now) {
        unmeasuredPages -= (long) store.lastRecordSize() / db.pageSize + 1 + WRITE_SLACK_PAGES;
        if (unmeasuredPages > 0) {
            return;
        }
        long pages = db.treePages(txn);
        if (pages <= highPages) {
            unmeasuredPages = Math.min(MAX_UNMEASURED_PAGES, (highPages - pages) / 2);
            return;
        }
        unmeasuredPages = 0;
        store.sweep(txn, now, SWEEP_IN_WRITE);
        long first = store.evictedSoFar();
        for (int step = 0; step < STEPS_IN_WRITE && store.evictedSoFar() - first < EVICT_IN_WRITE
                && db.treePages(txn) > lowPages; step++) {
            if (!store.evictOne(txn, true)) {
                break;
            }
        }
    }

    /**
     * After a write of a record of {@code recordBytes} met a full map on its {@code attempt}-th
     * try: evicts, oldest first and without second chances, about what the write needs (twice as
     * much on each later attempt, up to {@value #MAX_DOUBLINGS} doublings), but not below half
     * the low mark unless {@code belowFloor}, then commits twice so that LMDB may reuse the freed
     * pages. Runs outside any transaction.
     *
     * @return whether anything was evicted; false when there is nothing more to evict or even
     *         evicting found no room: the pages are pinned by reads, and only waiting helps
     */
    boolean recover(int recordBytes, int attempt, boolean belowFloor) {
        long need = ((long) recordBytes / db.pageSize + WRITE_SLACK_PAGES) << Math.min(attempt, MAX_DOUBLINGS);
        boolean evicted = false;
        int batch = RECOVER_BATCH;
        long target = -1;
        boolean large = recordBytes > db.pageSize && attempt > 0;
        for (int round = 0; round < RECOVER_TRANSACTIONS; round++) {
            store.begin();
            try (Txn<ByteBuffer> txn = db.txnWrite()) {
                long pages = db.treePages(txn);
                if (target < 0) {
                    target = Math.max(pages - need, belowFloor ? 0 : lowPages / 2);
                }
                if (pages <= target && !large) {
                    break;
                }
                boolean any = false;
                // A value of several pages needs them in a row: freeing an older record at least
                // as large gives one, where freeing many small ones may not.
                if (large) {
                    any = store.evictOneAtLeast(txn, recordBytes, LARGE_SCAN);
                    large = false;
                }
                // Small transactions: each copies only the leaves it changes, so each needs few pages.
                for (int i = 0; i < batch && db.treePages(txn) > target && store.evictOne(txn, false); i++) {
                    any = true;
                }
                if (!any) {
                    break; // closing aborts: nothing written, no page spent
                }
                txn.commit();
                store.committed();
                evicted = true;
            } catch (Env.MapFullException e) {
                versions.aborted();
                if (batch == 1) {
                    break; // not even one eviction finds its pages: reads pin them
                }
                batch /= 2;
            }
        }
        if (!evicted) {
            return false;
        }
        try {
            // Pages freed by a transaction are reusable from the second transaction after it.
            for (int i = 0; i < 2; i++) {
                try (Txn<ByteBuffer> txn = db.txnWrite()) {
                    versions.next(txn);
                    txn.commit();
                }
            }
        } catch (Env.MapFullException e) {
            versions.aborted();
        }
        return true;
    }

    /**
     * Rows one sweep transaction may take, at most {@code max}: under random keys each row removed
     * copies a leaf of its own, so a transaction of many rows needs as many free pages, and the map
     * keeps only the room above the high mark for them. An eighth of that room, a few pages a row.
     */
    int sweepBatch(int max) {
        return (int) Math.max(MIN_SWEEP_BATCH, Math.min(max, (mapPages - highPages) / 8));
    }

    long highPages() {
        return highPages;
    }
}
