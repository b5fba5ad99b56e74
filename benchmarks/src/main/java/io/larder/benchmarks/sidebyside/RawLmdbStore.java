package io.larder.benchmarks.sidebyside;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.lmdbjava.ByteBufferProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;

/**
 * Plain lmdbjava without fsync ({@code MDB_NOSYNC}, as the engine runs with {@code sync=false}),
 * its optimal buffer proxy (the fork opens {@code java.nio} for it). Each thread reuses one read
 * transaction, renewed per read and reset after, as the engine's pooled transactions do; every
 * write is a write transaction. A compare-and-set reads, compares and puts in one write
 * transaction, since LMDB has no compare-and-set of its own and writers are serialized anyway.
 */
final class RawLmdbStore extends Store {

    private static final class LmdbContext extends Context {
        final Txn<ByteBuffer> read;

        LmdbContext(int valueSize, Env<ByteBuffer> env) {
            super(valueSize);
            read = env.txnRead();
            read.reset();
        }

        @Override
        public void close() {
            read.renew();
            read.close();
        }
    }

    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> dbi;
    private final ByteBuffer[] keys;
    private final ByteBuffer valueA;
    private final ByteBuffer valueB;

    RawLmdbStore(Dataset data, Path dir) throws java.io.IOException {
        super(data);
        Path home = Files.createDirectories(dir.resolve("raw-lmdb"));
        env = Env.create(ByteBufferProxy.PROXY_OPTIMAL).setMapSize(data.lmdbMapBytes()).setMaxDbs(1)
                .setMaxReaders(126).open(home.toFile(), EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSYNC);
        dbi = env.openDbi("raw", DbiFlags.MDB_CREATE);
        keys = new ByteBuffer[data.entries];
        for (int i = 0; i < data.entries; i++) {
            keys[i] = direct(data.encodedKeys[i]);
        }
        valueA = direct(data.valueA);
        valueB = direct(data.valueB);
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    @Override
    Set<Op> ops() {
        return EnumSet.allOf(Op.class);
    }

    @Override
    Context context() {
        return new LmdbContext(data.valueSize, env);
    }

    @Override
    void put(int i) {
        set(null, i);
    }

    @Override
    Object get(Context c, int i) {
        Txn<ByteBuffer> txn = ((LmdbContext) c).read;
        txn.renew();
        try {
            ByteBuffer v = dbi.get(txn, keys[i]);
            byte[] out = new byte[v.remaining()];
            v.get(out);
            return out;
        } finally {
            txn.reset();
        }
    }

    @Override
    int copyValue(Context c, int i) {
        Txn<ByteBuffer> txn = ((LmdbContext) c).read;
        txn.renew();
        try {
            ByteBuffer v = dbi.get(txn, keys[i]);
            int length = v.remaining();
            if (length <= c.dst.remaining()) {
                c.dst.put(v);
            }
            return length;
        } finally {
            txn.reset();
        }
    }

    @Override
    int read(Context c, int i) {
        Txn<ByteBuffer> txn = ((LmdbContext) c).read;
        txn.renew();
        try {
            ByteBuffer v = dbi.get(txn, keys[i]);
            return v.get(v.position()) + v.get(v.limit() - 1);
        } finally {
            txn.reset();
        }
    }

    @Override
    Object set(Context c, int i) {
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            dbi.put(txn, keys[i], valueA);
            txn.commit();
        }
        return valueA;
    }

    @Override
    boolean cas(Context c, int i) {
        byte[] expected = expectedThenFlip(i);
        ByteBuffer want = expected == data.valueA ? valueA : valueB;
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            ByteBuffer v = dbi.get(txn, keys[i]);
            if (v == null || !v.equals(want)) {
                return false;
            }
            dbi.put(txn, keys[i], want == valueA ? valueB : valueA);
            txn.commit();
            return true;
        }
    }

    @Override
    void release() {
        dbi.close();
        env.close();
    }
}
