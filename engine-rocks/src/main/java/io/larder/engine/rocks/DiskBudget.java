package io.larder.engine.rocks;

/**
 * Holds the disk (live SST files plus the WAL) within capacity by steering {@link Room}'s eviction
 * target. Run by the upkeep thread, never per write: when RocksDB is {@linkplain Store#settled()
 * settled} it measures the disk D and the entries' bytes L and sets the target to
 * {@code min(capacity, HEADROOM * capacity / r)}, r being the disk bytes per accounted byte.
 *
 * <p>Compaction lag must not cause over-eviction: the disk still holds the data of entries removed
 * since the last compaction, so D / L overstates r. Two things guard against it. The target is
 * only lowered right after a flush and compaction of the entries that this class starts itself
 * when a settled disk is over budget (at most once per {@value #COMPACTION_GAP} runs), and r is
 * estimated as D / (L + G), G being the accounted bytes of the entries removed since that
 * compaction began (their count times the mean entry; writes go on meanwhile). G counts every
 * removal as still on disk, so r errs low and the target high: the disk, not the store, pays for
 * an error, and the next compaction corrects it. The target rises again (toward capacity, e.g. when
 * values start to compress) on a settled disk below {@code HEADROOM * capacity}.
 *
 * <p>A forced compaction rewrites the whole entries column family: milliseconds for a small store,
 * long disk work for a large one. RocksDB's own compactions cannot stand in for it (once writes stop
 * they leave removed data on disk, and steering by that figure evicts down to the floor), so instead
 * the next forced compaction waits at least {@value #COMPACTION_SPACING} times as long as the last
 * one took: compaction of ours takes at most about a tenth of the time, whatever the size.
 */
final class DiskBudget {

    /** The share of capacity a clean disk is steered to: room for flushes, level-0 files and tombstones. */
    static final double HEADROOM = 0.9;
    /** The target never goes below this share of capacity, whatever a measurement says. */
    static final int FLOOR_SHARE = 4;
    /** Upkeep runs between two compactions this class starts. */
    static final int COMPACTION_GAP = 10;
    /** The wait before the next forced compaction, in multiples of the last one's duration. */
    static final int COMPACTION_SPACING = 10;

    private final Store store;
    private final Room room;
    private final Figures figures;
    private final long capacity;
    private int runsSinceCompaction = COMPACTION_GAP;
    /** When (System.nanoTime) the next forced compaction may start. */
    private long nextCompactionNanos = System.nanoTime();
    /** Entries removed (every way but replacement) when the last compaction of ours began. */
    private long removedAtCompaction;

    DiskBudget(Store store, Room room, Figures figures, long capacity) {
        this.store = store;
        this.room = room;
        this.figures = figures;
        this.capacity = capacity;
        this.removedAtCompaction = removed();
    }

    /** One measurement; may compact and set the target. Eviction down to it is the caller's. */
    void run() {
        if (runsSinceCompaction < COMPACTION_GAP) {
            runsSinceCompaction++; // capped: a store that never goes over budget must not wrap it
        }
        long disk = store.diskBytes();
        if (!store.settled()) {
            return;
        }
        if (disk <= capacity) {
            long raised = target(disk);
            if (disk <= HEADROOM * capacity && raised > room.target()) {
                room.target(raised);
            }
            return;
        }
        if (runsSinceCompaction < COMPACTION_GAP || System.nanoTime() - nextCompactionNanos < 0) {
            return;
        }
        runsSinceCompaction = 0;
        removedAtCompaction = removed();
        long started = System.nanoTime();
        try {
            store.flushAndCompact();
        } finally {
            long took = System.nanoTime() - started;
            nextCompactionNanos = System.nanoTime() + COMPACTION_SPACING * took;
        }
        disk = store.diskBytes();
        if (disk > capacity) {
            room.target(Math.min(room.target(), target(disk)));
        }
    }

    private long removed() {
        return figures.evictions.sum() + figures.deletes.sum() + figures.expirations.sum()
                + figures.invalidations.sum();
    }

    /** The target for this disk figure: capacity when it cannot be measured. */
    private long target(long disk) {
        long entries = figures.entries.get();
        long live = figures.bytes.get();
        if (disk <= 0 || entries <= 0 || live <= 0) {
            return capacity;
        }
        double gone = Math.max(0, removed() - removedAtCompaction) * ((double) live / entries);
        double perByte = disk / (live + gone);
        double t = HEADROOM * capacity / perByte;
        return (long) Math.max(capacity / FLOOR_SHARE, Math.min(capacity, t));
    }
}
