package io.larder.engine.offheap;

import io.larder.spi.Key;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.hash.Data;

/**
 * Per-thread buffers, so the hot paths allocate nothing. Shared by every engine in the JVM and
 * holding no reference to any, so a thread that outlives an engine never keeps it reachable.
 */
final class Scratch {

    private static final int CACHED_LIMIT = 256 << 10;
    /** Keys up to this long get a reusable exact-length array per thread; longer ones a copy. */
    private static final int EXACT_KEY_LIMIT = 512;
    private static final int SLOTS = 64;
    private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::create);
    /**
     * A front for {@link #PER_THREAD}, by thread id: a thread finds its own scratch here with a few
     * plain reads, while a {@code ThreadLocal} lookup in a thread with many thread-locals (Chronicle
     * keeps several) often probes. A slot shared by two threads just falls back to the thread-local.
     * Held weakly: only the thread-local keeps a scratch, and its buffers (three of up to {@value
     * #CACHED_LIMIT} bytes, and one of the longest key met), reachable, so they go when their thread
     * ends, not when its slot is reused.
     */
    private static final Front[] FRONT = new Front[SLOTS];

    /**
     * The thread this belongs to. A racy read of {@link #FRONT} sees it set or null; only the owner
     * itself can see its own thread here, so no thread takes another's scratch.
     */
    final Thread owner = Thread.currentThread();
    /** This scratch's entry in {@link #FRONT}, made once; read by the owner only. */
    private Front front;
    /**
     * Keys met while iterating a segment, apart from the key being written. Grows to the longest
     * met: starting at {@link Key#MAX_ENCODED_BYTES} would cost every thread that much for keys few
     * stores ever hold.
     */
    private byte[] otherKey = new byte[EXACT_KEY_LIMIT];
    private byte[] outArray = new byte[EntryHeader.LENGTH + 4096];
    private BytesStore<?, ?> out = BytesStore.wrap(outArray);
    /** Length of the entry last {@link #prepare prepared}. */
    int preparedLength;
    private byte[] inArray = new byte[4096];
    /** A stored entry's bytes, kept while a write replaces it (see {@link #keep}). */
    private byte[] keptArray = new byte[0];
    private final View view = new View();
    private final byte[][] keysByLength = new byte[EXACT_KEY_LIMIT + 1][];
    /**
     * The key of a top-level read, copied into native memory so Chronicle takes it as it is: a
     * {@code byte[]} key is wrapped anew for every query. Direct, so it goes with its thread.
     */
    private final BytesStore<?, ?> readKey = BytesStore.wrap(ByteBuffer.allocateDirect(EXACT_KEY_LIMIT));
    /** The key of a {@code set}, which runs no caller's code while its query context is open. */
    private final BytesStore<?, ?> setKey = BytesStore.wrap(ByteBuffer.allocateDirect(EXACT_KEY_LIMIT));
    /** Reads in progress on this thread: above 1, a reader has called the engine again. */
    int readDepth;
    /**
     * The read in progress on this thread (see {@link ReadPath}): an {@code EntryReader}, the
     * {@link ByteBuffer} of a {@code copyValue}, or null for {@code get}.
     */
    Object reader;
    Object result;
    /** The length a {@code copyValue} read found, when {@link #result} says it hit. */
    int copiedLength;

    private Scratch() {
    }

    private static Scratch create() {
        Scratch s = new Scratch();
        s.front = new Front(s);
        return s;
    }

    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+
    static Scratch get() {
        Thread thread = Thread.currentThread();
        int slot = (int) thread.getId() & (SLOTS - 1);
        Front ref = FRONT[slot];
        Scratch s = ref == null ? null : ref.get();
        if (s == null || s.owner != thread) {
            s = PER_THREAD.get();
            FRONT[slot] = s.front;
        }
        return s;
    }

    /** The encoded key in this thread's array of exactly its length (a copy for long keys). */
    byte[] exactKey(Key key) {
        int length = key.encodedLength();
        if (length > EXACT_KEY_LIMIT) {
            return key.encodedBytes();
        }
        byte[] k = keysByLength[length];
        if (k == null) {
            k = keysByLength[length] = new byte[length];
        }
        key.copyEncodedTo(k, 0);
        return k;
    }

    /**
     * {@code key}'s encoded bytes (those {@link #exactKey} returned) in this thread's native key
     * buffer, or null when they do not fit or the buffer is in use by an outer read.
     */
    BytesStore<?, ?> readKey(byte[] encoded) {
        if (readDepth > 1 || encoded.length > EXACT_KEY_LIMIT) {
            return null;
        }
        readKey.write(0, encoded, 0, encoded.length);
        return readKey;
    }

    /**
     * {@code key}'s encoded bytes in this thread's native buffer for a {@code set}, or null when they
     * do not fit.
     */
    BytesStore<?, ?> setKey(byte[] encoded) {
        if (encoded.length > EXACT_KEY_LIMIT) {
            return null;
        }
        setKey.write(0, encoded, 0, encoded.length);
        return setKey;
    }

    /** This thread's array for a key met while iterating, at least {@code length} bytes long. */
    byte[] otherKey(int length) {
        if (length > otherKey.length) {
            otherKey = new byte[Math.min(Key.MAX_ENCODED_BYTES, Math.max(length, 2 * otherKey.length))];
        }
        return otherKey;
    }

    /** A fresh untagged store's entry (see the general {@code prepare}). */
    BytesStore<?, ?> prepare(ByteBuffer value, int flags, long expiresAt, long now, long access) {
        return prepare(value, 0, flags, expiresAt, now, access, EntryCodec.stats(0, now), 0, null);
    }

    /**
     * Header (version to follow), tags section and value, in this thread's buffer or, when too
     * large to keep per thread, a one-off one sized exactly; sets {@link #preparedLength}.
     */
    BytesStore<?, ?> prepare(ByteBuffer value, int marks, int flags, long expiresAt, long storedAt, long access,
            long stats, long leaseUntil, byte[] tagSection) {
        int storedLength = EntryCodec.headerLength(marks, tagSection) + value.remaining();
        byte[] array;
        BytesStore<?, ?> store;
        if (storedLength <= outArray.length) {
            array = outArray;
            store = out;
        } else if (storedLength <= CACHED_LIMIT) {
            outArray = array = new byte[Math.max(storedLength, 2 * outArray.length)];
            out = store = BytesStore.wrap(array);
        } else {
            array = new byte[storedLength];
            store = BytesStore.wrap(array);
        }
        preparedLength = storedLength;
        EntryCodec.prepare(store, array, value, marks, flags, expiresAt, storedAt, access, stats, leaseUntil,
                tagSection);
        return store;
    }

    /**
     * A copy of the stored value {@code v} (header included), in this thread's buffer or, when too
     * large to keep per thread, a one-off array; its first {@code v.size()} bytes are the copy.
     */
    byte[] keep(Data<byte[]> v) {
        int size = (int) v.size();
        byte[] array = keptArray;
        if (size > array.length) {
            array = new byte[size <= CACHED_LIMIT ? Math.min(CACHED_LIMIT, Math.max(size, 2 * array.length)) : size];
            if (size <= CACHED_LIMIT) {
                keptArray = array;
            }
        }
        v.bytes().read(v.offset(), array, 0, size);
        return array;
    }

    /** A view of the stored value, copied once into this thread's buffer, with its cache state. */
    View view(RandomDataInput in, long offset, long storedLength, long stats, long now, java.util.List<String> tags,
            int tagState) {
        byte[] used = EntryCodec.fill(view, inArray, in, offset, storedLength, stats, now, tags, tagState);
        if (used != inArray && used.length <= CACHED_LIMIT) {
            inArray = used;
        }
        return view;
    }

    /** A weak reference to a scratch, of a type that can be an array's element without a raw type. */
    private static final class Front extends WeakReference<Scratch> {
        Front(Scratch s) {
            super(s);
        }
    }
}
