package io.larder.benchmarks.rocks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.OptimisticTransactionDB;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.rocksdb.Transaction;
import org.rocksdb.TransactionDB;
import org.rocksdb.TransactionDBOptions;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * How to make a read-modify-write atomic per key on RocksDB, measured on plain RocksDB: the
 * engine's choice (a striped lock around a point read and a {@link WriteBatch} of two puts, the
 * record and an index row), beside a pessimistic {@link TransactionDB} ({@code getForUpdate}, two
 * puts, commit) and an {@link OptimisticTransactionDB} (the same, retried on conflict). Same keys,
 * 100-byte values, WAL on without fsync. Run with {@code -t 1} and {@code -t 2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class RocksAtomicityBenchmark {

    static {
        RocksDB.loadLibrary();
    }

    static final int KEYS = 50_000;

    @Param({"striped", "pessimistic", "optimistic"})
    public String mode;

    Path root;
    Options options;
    TransactionDBOptions txnOptions;
    RocksDB plain;
    TransactionDB pessimistic;
    OptimisticTransactionDB optimistic;
    final WriteOptions write = new WriteOptions();
    final ReadOptions read = new ReadOptions();
    final ReentrantLock[] stripes = new ReentrantLock[1024];
    byte[][] keys;
    byte[][] indexKeys;
    byte[] value = new byte[100];

    @Setup(Level.Trial)
    public void open() throws IOException, RocksDBException {
        root = Files.createTempDirectory("larder-rocks-atomic-");
        options = new Options().setCreateIfMissing(true);
        String dir = root.resolve(mode).toString();
        switch (mode) {
            case "striped":
                plain = RocksDB.open(options, dir);
                break;
            case "pessimistic":
                txnOptions = new TransactionDBOptions();
                pessimistic = TransactionDB.open(options, txnOptions, dir);
                break;
            default:
                optimistic = OptimisticTransactionDB.open(options, dir);
                break;
        }
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
        keys = new byte[KEYS][];
        indexKeys = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = ("https://example.org/object/" + i).getBytes();
            indexKeys[i] = ByteBuffer.allocate(8 + keys[i].length).putLong(i).put(keys[i]).array();
            db().put(write, keys[i], value);
        }
    }

    RocksDB db() {
        return plain != null ? plain : pessimistic != null ? pessimistic : optimistic;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        db().close();
        if (txnOptions != null) {
            txnOptions.close();
        }
        options.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Per-thread key choice. */
    @State(Scope.Thread)
    public static class Local {
        final SplittableRandom random = new SplittableRandom(42);
    }

    @Benchmark
    public int readModifyWrite(Local local) throws RocksDBException {
        int i = local.random.nextInt(KEYS);
        switch (mode) {
            case "striped": {
                ReentrantLock lock = stripes[Integer.hashCode(i * 0x9E3779B9) >>> 22];
                lock.lock();
                try (WriteBatch batch = new WriteBatch()) {
                    byte[] old = plain.get(read, keys[i]);
                    batch.put(keys[i], value);
                    batch.put(indexKeys[i], value);
                    plain.write(write, batch);
                    return old == null ? 0 : old.length;
                } finally {
                    lock.unlock();
                }
            }
            case "pessimistic":
                try (Transaction txn = pessimistic.beginTransaction(write)) {
                    byte[] old = txn.getForUpdate(read, keys[i], true);
                    txn.put(keys[i], value);
                    txn.put(indexKeys[i], value);
                    txn.commit();
                    return old == null ? 0 : old.length;
                }
            default:
                while (true) {
                    try (Transaction txn = optimistic.beginTransaction(write)) {
                        byte[] old = txn.getForUpdate(read, keys[i], true);
                        txn.put(keys[i], value);
                        txn.put(indexKeys[i], value);
                        try {
                            txn.commit();
                            return old == null ? 0 : old.length;
                        } catch (RocksDBException e) {
                            Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
                            if (code != Status.Code.Busy && code != Status.Code.TryAgain) {
                                throw e;
                            }
                        }
                    }
                }
        }
    }
}
