package io.larder.engine.lmdb;

/**
 * Which entries were read since they joined the eviction queue, kept in memory because a read
 * transaction cannot write: a byte per hash of the version. Racy on purpose: a lost or shared mark
 * only costs or grants one second chance. Reads by other processes are not seen.
 */
final class ReadMarks {

    /** log2 of the number of marks. */
    static final int BITS = 18;

    private final byte[] marks = new byte[1 << BITS];

    void mark(long version) {
        int i = index(version);
        if (marks[i] == 0) {
            marks[i] = 1; // written only when it changes, so hot reads do not share a dirty line
        }
    }

    /** Whether the entry of {@code version} was marked; clears the mark. */
    boolean take(long version) {
        int i = index(version);
        boolean marked = marks[i] != 0;
        marks[i] = 0;
        return marked;
    }

    private static int index(long version) {
        return (int) ((version * 0x9E3779B97F4A7C15L) >>> (64 - BITS));
    }
}
