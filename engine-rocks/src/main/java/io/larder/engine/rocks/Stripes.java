package io.larder.engine.rocks;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-key write locks, striped by the key's hash: every read-modify-write of a key (a read of its
 * record and the batch that replaces it) runs under its stripe, which makes it atomic and
 * linearizable per key. Reads take no lock.
 */
final class Stripes {

    static final int COUNT = 1024;

    private final ReentrantLock[] locks = new ReentrantLock[COUNT];

    Stripes() {
        for (int i = 0; i < COUNT; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** The lock of a key whose {@code Arrays.hashCode} of the encoding (= {@code Key.hashCode()}) is {@code hash}. */
    ReentrantLock of(int hash) {
        int h = hash ^ (hash >>> 16);
        return locks[(h * 0x9E3779B9 >>> 22) & (COUNT - 1)];
    }

    /** Takes every stripe, in order (for clear). */
    void lockAll() {
        for (ReentrantLock l : locks) {
            l.lock();
        }
    }

    void unlockAll() {
        for (int i = COUNT - 1; i >= 0; i--) {
            if (locks[i].isHeldByCurrentThread()) {
                locks[i].unlock();
            }
        }
    }
}
