package io.larder.engine.rocks;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.ManualClock;
import io.larder.spi.WriteOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksWritePathTest {

    @TempDir
    Path tmp;

    final ManualClock clock = new ManualClock();

    @Test
    void writersWaitingWhileAGroupIsWrittenShareTheNextWrite() throws Exception {
        int waiting = 6;
        try (RocksEngine engine = Stores.open(tmp.resolve("s"), clock, "sync", "true")) {
            Commits commits = commits(engine);
            CountDownLatch firstWriting = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<Integer> sizes = new ArrayList<>();
            AtomicInteger calls = new AtomicInteger();
            commits.beforeWrite(members -> {
                synchronized (sizes) {
                    sizes.add(members);
                }
                if (calls.getAndIncrement() == 0) {
                    firstWriting.countDown();
                    await(release);
                }
            });
            long groupsBefore = commits.groups.sum();
            ExecutorService pool = Executors.newFixedThreadPool(waiting + 1);
            try {
                Future<Long> first = pool.submit(() -> engine.set(Key.of("first"), new byte[10]));
                assertThat(firstWriting.await(30, TimeUnit.SECONDS)).as("the first write reached RocksDB").isTrue();
                List<Future<Long>> others = new ArrayList<>();
                for (int i = 0; i < waiting; i++) {
                    int n = i;
                    others.add(pool.submit(() -> engine.set(Key.of("w" + n), new byte[10])));
                }
                // every waiting writer has appended to the open group (bounded by time)
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (commits.openMembers() < waiting && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(commits.openMembers()).isEqualTo(waiting);
                assertThat(engine.get(Key.of("first"))).as("not visible before its group is written").isNull();
                assertThat(engine.get(Key.of("w0"))).as("nor a write of the next group").isNull();
                release.countDown();
                long v1 = first.get(30, TimeUnit.SECONDS);
                for (Future<Long> f : others) {
                    assertThat(f.get(30, TimeUnit.SECONDS)).isGreaterThan(v1);
                }
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
            assertThat(sizes).as("group sizes written").containsExactly(1, waiting);
            assertThat(commits.groups.sum() - groupsBefore).as("RocksDB writes (each one fsync)").isEqualTo(2);
            assertThat(engine.stats().engineSpecific().get("writeGroups")).isEqualTo(commits.groups.sum());
            for (int i = 0; i < waiting; i++) {
                assertThat(engine.get(Key.of("w" + i))).isNotNull();
            }
        }
        try (RocksEngine engine = Stores.open(tmp.resolve("s"), clock)) {
            assertThat(engine.stats().entries()).as("after a reopen").isEqualTo(waiting + 1);
        }
    }

    @Test
    void aSetOverAnEntryWithALongTagSectionDropsAllOfItsRowsAndCharges() throws Exception {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < WriteOptions.MAX_TAGS; i++) {
            tags.add(String.valueOf((char) ('a' + i)).repeat(WriteOptions.MAX_TAG_BYTES));
        }
        Key key = Key.of("/page");
        try (RocksEngine engine = Stores.open(tmp.resolve("s"), clock)) {
            engine.set(key, new byte[5000], WriteOptions.tagged(tags.toArray(new String[0])));
            engine.set(key, new byte[100]);
            long expected = Records.charge(key.encodedBytes().length, Records.HEADER + 100);
            assertThat(engine.stats().bytesUsed()).as("charged for the new record only").isEqualTo(expected);
            assertThat(engine.stats().entries()).isEqualTo(1);
            Store store = store(engine);
            assertThat(rows(store, store.tagged)).as("tag rows of the old record").isZero();
            assertThat(rows(store, store.queue)).as("queue rows").isEqualTo(1);
            engine.invalidateTag(tags.get(15), InvalidationMode.REMOVE);
            assertThat(engine.get(key).value()).hasSize(100);
        }
        try (RocksEngine engine = Stores.open(tmp.resolve("s"), clock)) {
            assertThat(engine.stats().bytesUsed()).as("after a reopen").isEqualTo(
                    Records.charge(key.encodedBytes().length, Records.HEADER + 100));
        }
    }

    @Test
    void aWriteWhoseRowsFailFailsAloneAndItsGroupIsWritten() throws Exception {
        try (RocksEngine engine = Stores.open(tmp.resolve("f"), clock)) {
            Commits commits = commits(engine);
            Store store = store(engine);
            CountDownLatch firstWriting = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger calls = new AtomicInteger();
            commits.beforeWrite(members -> {
                if (calls.getAndIncrement() == 0) {
                    firstWriting.countDown();
                    await(release);
                }
            });
            byte[] junk = "junk".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                Future<Long> first = pool.submit(() -> engine.set(Key.of("first"), new byte[10]));
                assertThat(firstWriting.await(30, TimeUnit.SECONDS)).isTrue();
                Future<Long> good = pool.submit(() -> engine.set(Key.of("good"), new byte[10]));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (commits.openMembers() < 1 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                // a write that fails halfway through adding its rows, in the same open group
                Future<Long> bad = pool.submit(() -> commits.commit(true, (batch, version) -> {
                    batch.put(store.entries, junk, new byte[1]);
                    throw new IllegalStateException("rows failed on purpose");
                }));
                assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> bad.get(30, TimeUnit.SECONDS)))
                        .hasRootCauseMessage("rows failed on purpose");
                release.countDown();
                first.get(30, TimeUnit.SECONDS);
                assertThat(good.get(30, TimeUnit.SECONDS)).as("the other writer of the group").isPositive();
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
            assertThat(engine.get(Key.of("good"))).as("written with its group").isNotNull();
            assertThat(store.db.get(store.entries, junk)).as("the failed write's rows were taken back").isNull();
        }
    }

    private static Commits commits(RocksEngine engine) throws Exception {
        java.lang.reflect.Field f = RocksEngine.class.getDeclaredField("writes");
        f.setAccessible(true);
        return ((WritePath) f.get(engine)).commits();
    }

    private static Store store(RocksEngine engine) throws Exception {
        java.lang.reflect.Field f = RocksEngine.class.getDeclaredField("store");
        f.setAccessible(true);
        return (Store) f.get(engine);
    }

    private static int rows(Store store, org.rocksdb.ColumnFamilyHandle family) {
        int n = 0;
        try (org.rocksdb.RocksIterator it = store.db.newIterator(family)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                n++;
            }
        }
        return n;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
