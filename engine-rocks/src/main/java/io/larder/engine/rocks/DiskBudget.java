package io.larder.engine.rocks;

/**
 * Holds the disk (live SST files plus the WAL) within capacity by steering {@link Room}'s eviction
 * target. Run by the upkeep thread, never per write: it measures the disk D and the entries' bytes
 * L and, when RocksDB is {@linkplain Store#settled() settled}, sets the target to
 * {@code min(capacity, HEADROOM * capacity * L / D)}.
 *
 * <p>Hysteresis, so compaction lag never causes over-eviction: the target is only lowered on a
 * clean measurement, taken right after a flush and compaction of the entries that this class
 * starts itself when a settled disk is over budget (deleted data and tombstones then no longer
 * count in D). Such a compaction runs at most once per {@value #COMPACTION_GAP} runs. On a settled
 * disk within budget the target may only rise (D may still hold deleted data, which would make a
 * lower figure too low). {@link #HEADROOM} leaves room for the memtable flushes, level-0 files and
 * tombstones that pile up between compactions, so a steady churn does not force a compaction on
 * every run.
 */
final class DiskBudget {

    /** The share of capacity a clean disk is steered to. */
    static final double HEADROOM = 0.9;
    /** The target never goes below this share of capacity, whatever a measurement says. */
    static final int FLOOR_SHARE = 4;
    /** Upkeep runs between two compactions this class starts. */
    static final int COMPACTION_GAP = 10;

    private final Store store;
    private final Room room;
    private final Figures figures;
    private final long capacity;
    private int runsSinceCompaction = COMPACTION_GAP;
    private volatile long diskBytes = -1;

    DiskBudget(Store store, Room room, Figures figures, long capacity) {
        this.store = store;
        this.room = room;
        this.figures = figures;
        this.capacity = capacity;
    }

    /** One measurement; may compact and set the target. Eviction down to it is the caller's. */
    void run() {
        runsSinceCompaction++;
        long disk = measure();
        if (!store.settled()) {
            return;
        }
        if (disk <= capacity) {
            long raised = target(figures.bytes.get(), disk);
            if (raised > room.target()) {
                room.target(raised);
            }
            return;
        }
        if (runsSinceCompaction < COMPACTION_GAP) {
            return;
        }
        runsSinceCompaction = 0;
        store.flushAndCompact();
        disk = measure();
        if (disk > capacity) {
            room.target(Math.min(room.target(), target(figures.bytes.get(), disk)));
        }
    }

    private long measure() {
        long disk = store.diskBytes();
        diskBytes = disk;
        return disk;
    }

    private long target(long entryBytes, long disk) {
        if (disk <= 0) {
            return capacity;
        }
        double t = HEADROOM * capacity * ((double) entryBytes / disk);
        return (long) Math.max(capacity / FLOOR_SHARE, Math.min(capacity, t));
    }

    /** The last measured disk bytes (live SST files plus WAL), or -1 before the first run. */
    long diskBytes() {
        return diskBytes;
    }
}
