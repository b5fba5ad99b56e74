package io.larder.engine.heap;

import io.larder.spi.Capability;
import io.larder.spi.Clock;
import io.larder.spi.ComputeAction;
import io.larder.spi.ComputeFunction;
import io.larder.spi.EngineStats;
import io.larder.spi.Entry;
import io.larder.spi.EntryReader;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import io.larder.tck.TckSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The reference engine made persistent for the TCK's own tests: every write is appended to a log
 * (written to the OS before the write returns, so it survives {@code kill -9}) and replayed at open.
 * The log keeps the cache state too: each entry's tags, stale mark, placeholder bit and lease end,
 * and every tag watermark. With {@code loseLastWrite}, replay drops the last record: the mutant that
 * loses writes on reopen; with {@code loseWatermarks}, replay skips the tag watermarks.
 */
final class FileBackedHeapEngine implements StorageEngine {

    private static final byte PUT = 1;
    private static final byte REMOVE = 2;
    private static final byte CLEAR = 3;
    private static final byte WATERMARK = 4;

    /** A log longer than this is rewritten at open as the entries it holds, so replay stays small. */
    private static final long COMPACT_ABOVE = 8L << 20;

    private final HeapEngine heap;
    private final FileChannel log;
    private final java.io.ByteArrayOutputStream pending;
    private final boolean loseWatermarks;

    FileBackedHeapEngine(TckSetup setup, boolean loseLastWrite) {
        this(setup, loseLastWrite, false);
    }

    FileBackedHeapEngine(TckSetup setup, boolean loseLastWrite, boolean acknowledgeBeforeDurable) {
        this(setup, loseLastWrite, acknowledgeBeforeDurable, false);
    }

    /**
     * With {@code acknowledgeBeforeDurable}, records are held in memory and written in batches of
     * 64 KiB (and at close): the mutant that acknowledges writes a kill then loses.
     */
    FileBackedHeapEngine(TckSetup setup, boolean loseLastWrite, boolean acknowledgeBeforeDurable,
            boolean loseWatermarks) {
        this.loseWatermarks = loseWatermarks;
        this.pending = acknowledgeBeforeDurable ? new java.io.ByteArrayOutputStream() : null;
        this.heap = new HeapEngine("file-heap", setup.clock(), setup.capacity(), setup.maxValueSize(),
                setup.sweepInterval(), 0);
        Path file = setup.directory().resolve("heap.log");
        try {
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            long end = replay(file, loseLastWrite);
            if (end > COMPACT_ABOVE && !loseLastWrite) {
                compact(file);
                end = Files.size(file);
            }
            this.log = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            // A record torn by a kill is cut off, or everything appended after it would be lost on replay.
            log.truncate(end);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replays the whole records; returns where they end. */
    private long replay(Path file, boolean loseLastWrite) throws IOException {
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file));
        int records = 0;
        ByteBuffer scan = all.duplicate();
        while (scan.remaining() >= 4 && scan.getInt(scan.position()) > 0
                && scan.getInt(scan.position()) <= scan.remaining() - 4) {
            scan.position(scan.position() + 4 + scan.getInt(scan.position()));
            records++;
        }
        int keep = loseLastWrite ? records - 1 : records;
        for (int i = 0; i < keep; i++) {
            int length = all.getInt();
            ByteBuffer record = all.slice(all.position(), length);
            all.position(all.position() + length);
            byte type = record.get();
            heap.restoreLastVersion(record.getLong());
            if (type == CLEAR) {
                heap.clear();
                continue;
            }
            if (type == WATERMARK) {
                String tag = readString(record);
                long removeMark = record.getLong();
                long staleMark = record.getLong();
                if (!loseWatermarks) {
                    heap.restoreWatermarks(tag, removeMark, staleMark);
                }
                continue;
            }
            byte[] encoded = new byte[record.getInt()];
            record.get(encoded);
            Key key = Key.decode(encoded);
            if (type == REMOVE) {
                heap.compute(key, cur -> ComputeAction.remove());
            } else {
                long version = record.getLong();
                long expiresAt = record.getLong();
                int flags = record.getInt();
                long storedAt = record.getLong();
                long leaseUntil = record.getLong();
                byte bits = record.get();
                List<String> tags = new ArrayList<>();
                for (int t = record.get(); t > 0; t--) {
                    tags.add(readString(record));
                }
                byte[] value = new byte[record.remaining()];
                record.get(value);
                heap.restore(key, new Entry(value, version, expiresAt, flags, storedAt, tags, (bits & 1) != 0,
                        (bits & 2) != 0, false, 0, storedAt), leaseUntil);
            }
        }
        return scan.position();
    }

    /** Rewrites the log as one record per entry, and swaps it in atomically: a kill leaves one or the other. */
    private void compact(Path file) throws IOException {
        Path next = file.resolveSibling("heap.log.next");
        try (FileChannel out = FileChannel.open(next, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-------"));
            // First a record that carries the highest version handed out, even when no entry is left.
            ByteBuffer first = record(CLEAR, null, null, 0);
            while (first.hasRemaining()) {
                out.write(first);
            }
            for (java.util.Map.Entry<String, long[]> w : heap.watermarks().entrySet()) {
                ByteBuffer record = watermark(w.getKey(), w.getValue()[0], w.getValue()[1]);
                while (record.hasRemaining()) {
                    out.write(record);
                }
            }
            for (java.util.Map.Entry<Key, Entry> e : heap.snapshot().entrySet()) {
                ByteBuffer record = record(PUT, e.getKey(), e.getValue(), heap.leaseUntil(e.getKey()));
                while (record.hasRemaining()) {
                    out.write(record);
                }
            }
            out.force(true);
        }
        Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static String readString(ByteBuffer record) {
        byte[] bytes = new byte[record.getShort()];
        record.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void writeString(ByteBuffer record, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        record.putShort((short) bytes.length).put(bytes);
    }

    private ByteBuffer watermark(String tag, long removeMark, long staleMark) {
        ByteBuffer record = ByteBuffer.allocate(4 + 1 + 8 + 2 + tag.length() * 3 + 16);
        record.position(4);
        record.put(WATERMARK).putLong(heap.lastVersion());
        writeString(record, tag);
        record.putLong(removeMark).putLong(staleMark);
        record.putInt(0, record.position() - 4);
        record.flip();
        return record;
    }

    private ByteBuffer record(byte type, Key key, Entry entry, long leaseUntil) {
        int keyLength = key == null ? 0 : key.encodedLength();
        int valueLength = entry == null ? 0 : entry.value().length;
        int tagLength = 0;
        if (entry != null) {
            for (String tag : entry.tags()) {
                tagLength += 2 + tag.length() * 3;
            }
        }
        ByteBuffer record = ByteBuffer.allocate(4 + 1 + 8 + 4 + keyLength + 38 + tagLength + valueLength);
        record.position(4);
        record.put(type).putLong(heap.lastVersion());
        if (key != null) {
            record.putInt(keyLength);
            key.copyEncodedTo(record);
        }
        if (entry != null) {
            record.putLong(entry.version()).putLong(entry.expiresAt()).putInt(entry.flags())
                    .putLong(entry.storedAt()).putLong(leaseUntil)
                    .put((byte) ((entry.stale() ? 1 : 0) | (entry.placeholder() ? 2 : 0)))
                    .put((byte) entry.tags().size());
            for (String tag : entry.tags()) {
                writeString(record, tag);
            }
            record.put(entry.value());
        }
        record.putInt(0, record.position() - 4);
        record.flip();
        return record;
    }

    private void append(byte type, Key key, Entry entry) {
        append(record(type, key, entry, entry == null ? 0 : heap.leaseUntil(key)));
    }

    private void append(ByteBuffer record) {
        if (pending != null) {
            pending.write(record.array(), 0, record.limit());
            if (pending.size() < (64 << 10)) {
                return;
            }
            record = ByteBuffer.wrap(pending.toByteArray());
            pending.reset();
        }
        try {
            while (record.hasRemaining()) {
                log.write(record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return "file-heap";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.PERSISTENT, Capability.CACHE_SEMANTICS);
    }

    @Override
    public Clock clock() {
        return heap.clock();
    }

    @Override
    public long maxValueSize() {
        return heap.maxValueSize();
    }

    @Override
    public <R> R read(Key key, EntryReader<R> reader) {
        return heap.read(key, reader);
    }

    @Override
    public synchronized Entry compute(Key key, ComputeFunction function) {
        ComputeAction.Kind[] applied = new ComputeAction.Kind[1];
        Entry after = heap.compute(key, cur -> {
            ComputeAction action = function.apply(cur);
            applied[0] = action == null ? null : action.kind();
            return action;
        });
        if (applied[0] == ComputeAction.Kind.REMOVE) {
            append(REMOVE, key, null);
        } else if (after != null && applied[0] != ComputeAction.Kind.KEEP) {
            append(PUT, key, after);
        }
        return after;
    }

    @Override
    public synchronized int invalidate(byte[] primary) {
        // Every key of the primary, lease placeholders and expired entries too: replay must not revive one.
        List<Key> keys = heap.snapshot().keySet().stream().filter(k -> k.hasPrimary(primary)).toList();
        int removed = heap.invalidate(primary);
        for (Key key : keys) {
            append(REMOVE, key, null);
        }
        return removed;
    }

    @Override
    public synchronized int invalidate(byte[] primary, InvalidationMode mode) {
        if (mode != InvalidationMode.MARK_STALE) {
            return invalidate(primary);
        }
        int marked = heap.invalidate(primary, mode);
        for (Variant v : heap.variants(primary)) {
            Key key = Key.of(primary, v);
            Entry entry = heap.compute(key, cur -> ComputeAction.keep());
            if (entry != null) {
                append(PUT, key, entry);
            }
        }
        return marked;
    }

    @Override
    public synchronized long invalidateTag(String tag, InvalidationMode mode) {
        long mark = heap.invalidateTag(tag, mode);
        long[] marks = heap.watermarks().getOrDefault(tag, new long[] {mode == InvalidationMode.REMOVE ? mark : 0,
            mode == InvalidationMode.REMOVE ? 0 : mark});
        append(watermark(tag, marks[0], marks[1]));
        return mark;
    }

    @Override
    public List<Variant> variants(byte[] primary) {
        return heap.variants(primary);
    }

    @Override
    public synchronized void clear() {
        heap.clear();
        append(CLEAR, null, null);
    }

    @Override
    public EngineStats stats() {
        return heap.stats();
    }

    @Override
    public synchronized void close() {
        heap.close();
        try {
            if (pending != null && pending.size() > 0) {
                ByteBuffer rest = ByteBuffer.wrap(pending.toByteArray());
                pending.reset();
                while (rest.hasRemaining()) {
                    log.write(rest);
                }
            }
            log.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
