package io.larder.engine.lmdb;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Comparator;
import jnr.ffi.Pointer;
import org.lmdbjava.BufferProxy;

/**
 * Direct {@link ByteBuffer}s over LMDB's memory without any JVM flag: the JDK 22+ version of this
 * class, in the multi-release jar's {@code META-INF/versions/22}.
 *
 * <p>lmdbjava's own {@code ByteBufferProxy} needs {@code --add-opens java.base/java.nio}; the Java 17
 * version of this class uses {@code sun.misc.Unsafe}, which JDK 24+ warns of. This one uses the
 * foreign memory API: a buffer's address comes from {@link MemorySegment#ofBuffer}, and LMDB's
 * memory is read through segments made with {@link MemorySegment#reinterpret(long)}. That method is
 * restricted: the JDK counts it as native access, which jnr-ffi's loading of its own native library
 * already is (the README's "JVM flags" section says which flag allows both).
 *
 * <p>The buffers {@link #out} returns are new ones over LMDB's memory, valid while their transaction
 * lives; they never reach callers ({@link ValueViews} makes the ones callers get).
 */
final class FlagFreeBufferProxy extends BufferProxy<ByteBuffer> {

    /** The one instance; stateless. */
    static final FlagFreeBufferProxy INSTANCE = new FlagFreeBufferProxy();

    private static final Comparator<ByteBuffer> UNSIGNED = FlagFreeBufferProxy::compareUnsigned;

    private FlagFreeBufferProxy() {
    }

    /** The native address of a direct buffer's position. */
    static long address(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("LMDB reads and writes need direct buffers");
        }
        return MemorySegment.ofBuffer(buffer).address();
    }

    /** {@code size} bytes of native memory at {@code address}, with no lifetime of their own. */
    @SuppressWarnings("restricted") // LMDB hands out raw addresses; the caller vouches for the size
    static MemorySegment at(long address, long size) {
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    @Override
    protected ByteBuffer allocate() {
        return ByteBuffer.allocateDirect(0);
    }

    @Override
    protected void deallocate(ByteBuffer buffer) {
        // Nothing pooled: transactions, and their buffers, are themselves pooled by the engine.
    }

    @Override
    protected byte[] getBytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    @Override
    protected Comparator<ByteBuffer> getSignedComparator() {
        return UNSIGNED;
    }

    @Override
    protected Comparator<ByteBuffer> getUnsignedComparator() {
        return UNSIGNED;
    }

    @Override
    protected Pointer in(ByteBuffer buffer, Pointer ptr) {
        return in(buffer, buffer.remaining(), ptr);
    }

    @Override
    protected Pointer in(ByteBuffer buffer, int size, Pointer ptr) {
        MemorySegment struct = at(ptr.address(), MDB_VAL_STRUCT_SIZE);
        struct.set(JAVA_LONG_UNALIGNED, STRUCT_FIELD_OFFSET_SIZE, size);
        struct.set(JAVA_LONG_UNALIGNED, STRUCT_FIELD_OFFSET_DATA, address(buffer));
        return null;
    }

    @Override
    protected ByteBuffer out(ByteBuffer buffer, Pointer ptr) {
        MemorySegment struct = at(ptr.address(), MDB_VAL_STRUCT_SIZE);
        long data = struct.get(JAVA_LONG_UNALIGNED, STRUCT_FIELD_OFFSET_DATA);
        long size = struct.get(JAVA_LONG_UNALIGNED, STRUCT_FIELD_OFFSET_SIZE);
        return at(data, size).asByteBuffer();
    }

    /** LMDB's default key order: unsigned bytes, then length. */
    static int compareUnsigned(ByteBuffer a, ByteBuffer b) {
        int n = Math.min(a.remaining(), b.remaining());
        int pa = a.position();
        int pb = b.position();
        for (int i = 0; i < n; i++) {
            int c = Byte.toUnsignedInt(a.get(pa + i)) - Byte.toUnsignedInt(b.get(pb + i));
            if (c != 0) {
                return c;
            }
        }
        return a.remaining() - b.remaining();
    }
}
