package io.larder.engine.lmdb;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.Comparator;
import jnr.ffi.Pointer;
import org.lmdbjava.BufferProxy;

/**
 * Direct {@link ByteBuffer}s pointed at LMDB's memory without any JVM flag.
 *
 * <p>lmdbjava's own {@code ByteBufferProxy} (both variants) calls {@code setAccessible} on
 * {@code java.nio.Buffer.address} and casts to {@code sun.nio.ch.DirectBuffer}, which on JDK 17+
 * needs {@code --add-opens java.base/java.nio} and {@code --add-exports java.base/sun.nio.ch}. This
 * proxy does the same job through {@code sun.misc.Unsafe}, which the {@code jdk.unsupported} module
 * opens to everyone: it only takes field offsets (no {@code setAccessible} on {@code java.base}) and
 * re-points a reused buffer's address and capacity, so a read allocates nothing.
 *
 * <p>{@code Unsafe} is reached through method handles rather than by name, so compiling this
 * class needs no internal API (and prints no warning); once the JIT has inlined the constant
 * handles, the calls cost what direct calls do. This is the Java 17 version, used on JDK 17 to 21,
 * which do not warn of it: the multi-release jar's {@code META-INF/versions/22} holds the version
 * JDK 22+ loads, on the foreign memory API, so JDK 24+ has no {@code Unsafe} use of ours to warn of.
 */
final class FlagFreeBufferProxy extends BufferProxy<ByteBuffer> {

    /** The one instance; stateless. */
    static final FlagFreeBufferProxy INSTANCE = new FlagFreeBufferProxy();

    private static final MethodHandle GET_LONG_FIELD;
    private static final MethodHandle PUT_LONG_FIELD;
    private static final MethodHandle PUT_INT_FIELD;
    private static final MethodHandle GET_LONG_ADDRESS;
    private static final MethodHandle PUT_LONG_ADDRESS;
    private static final long ADDRESS_OFFSET;
    private static final long CAPACITY_OFFSET;

    static {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            Object unsafe = theUnsafe.get(null);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle fieldOffset = lookup.findVirtual(unsafeClass, "objectFieldOffset",
                    MethodType.methodType(long.class, Field.class)).bindTo(unsafe);
            ADDRESS_OFFSET = (long) fieldOffset.invokeExact(Buffer.class.getDeclaredField("address"));
            CAPACITY_OFFSET = (long) fieldOffset.invokeExact(Buffer.class.getDeclaredField("capacity"));
            GET_LONG_FIELD = lookup.findVirtual(unsafeClass, "getLong",
                    MethodType.methodType(long.class, Object.class, long.class)).bindTo(unsafe);
            PUT_LONG_FIELD = lookup.findVirtual(unsafeClass, "putLong",
                    MethodType.methodType(void.class, Object.class, long.class, long.class)).bindTo(unsafe);
            PUT_INT_FIELD = lookup.findVirtual(unsafeClass, "putInt",
                    MethodType.methodType(void.class, Object.class, long.class, int.class)).bindTo(unsafe);
            GET_LONG_ADDRESS = lookup.findVirtual(unsafeClass, "getLong",
                    MethodType.methodType(long.class, long.class)).bindTo(unsafe);
            PUT_LONG_ADDRESS = lookup.findVirtual(unsafeClass, "putLong",
                    MethodType.methodType(void.class, long.class, long.class)).bindTo(unsafe);
        } catch (Throwable e) {
            throw new ExceptionInInitializerError("cannot reach sun.misc.Unsafe or java.nio.Buffer's fields, "
                    + "which the LMDB engine needs to view LMDB's memory: " + e);
        }
    }

    private static final Comparator<ByteBuffer> UNSIGNED = FlagFreeBufferProxy::compareUnsigned;

    private FlagFreeBufferProxy() {
    }

    /** The native address of a direct buffer's position. */
    static long address(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("LMDB reads and writes need direct buffers");
        }
        return getLong(buffer, ADDRESS_OFFSET) + buffer.position();
    }

    /**
     * Points {@code buffer} at {@code size} bytes of native memory at {@code address}, positioned at
     * 0. The buffer must be one this engine owns (never a caller's), since its old memory is not
     * freed by this and stays owned by the buffer's cleaner.
     */
    static ByteBuffer pointAt(ByteBuffer buffer, long address, int size) {
        putLong(buffer, ADDRESS_OFFSET, address);
        putInt(buffer, CAPACITY_OFFSET, size);
        buffer.clear();
        return buffer;
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
        long struct = ptr.address();
        putLong(struct + STRUCT_FIELD_OFFSET_SIZE, size);
        putLong(struct + STRUCT_FIELD_OFFSET_DATA, address(buffer));
        return null;
    }

    @Override
    protected ByteBuffer out(ByteBuffer buffer, Pointer ptr) {
        long struct = ptr.address();
        return pointAt(buffer, getLong(struct + STRUCT_FIELD_OFFSET_DATA),
                (int) getLong(struct + STRUCT_FIELD_OFFSET_SIZE));
    }

    // The handles' own exceptions are Throwable; Unsafe's accessors throw none that are checked.

    private static long getLong(Object base, long offset) {
        try {
            return (long) GET_LONG_FIELD.invokeExact(base, offset);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    private static void putLong(Object base, long offset, long value) {
        try {
            PUT_LONG_FIELD.invokeExact(base, offset, value);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    private static void putInt(Object base, long offset, int value) {
        try {
            PUT_INT_FIELD.invokeExact(base, offset, value);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    private static long getLong(long address) {
        try {
            return (long) GET_LONG_ADDRESS.invokeExact(address);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    private static void putLong(long address, long value) {
        try {
            PUT_LONG_ADDRESS.invokeExact(address, value);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
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
