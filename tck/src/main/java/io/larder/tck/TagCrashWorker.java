package io.larder.tck;

import io.larder.spi.Clock;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import io.larder.spi.WriteOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The child process of the tag crash test: opens the engine by its factory's class name and, on one
 * thread, writes tagged entries and invalidates tags until it is killed. Op {@code seq} of a round
 * is {@link #op}; each op is logged once the engine acknowledged it, as {@code seq result}, with one
 * {@code write} call, so a {@code kill -9} never loses an acknowledged op.
 */
public final class TagCrashWorker {

    /** Keys the worker writes. */
    public static final int KEYS = 16;

    /** The tags the worker uses. */
    public static final List<String> TAGS = List.of("g0", "g1", "g2", "g3", "h0", "h1", "h2");

    /**
     * One op: a tagged write of {@code key} (with {@code tags}), or an invalidation of {@code tag}.
     *
     * @param write whether it is a write
     * @param key the key's index, for a write
     * @param tags the tags written
     * @param tag the tag invalidated
     * @param mode the invalidation's mode
     */
    public record Op(boolean write, int key, List<String> tags, String tag, InvalidationMode mode) {
    }

    private TagCrashWorker() {
    }

    /** Op {@code seq} of round {@code round}. */
    public static Op op(int round, long seq) {
        SplittableRandom r = new SplittableRandom(round * 1_000_003L + seq * 0x9E3779B97F4A7C15L);
        if (r.nextInt(10) < 7) {
            int key = r.nextInt(KEYS);
            List<String> tags = new ArrayList<>();
            tags.add("g" + (key % 4));
            if (r.nextBoolean()) {
                tags.add("h" + r.nextInt(3));
            }
            return new Op(true, key, tags, null, null);
        }
        return new Op(false, 0, List.of(), TAGS.get(r.nextInt(TAGS.size())),
                r.nextInt(3) == 0 ? InvalidationMode.MARK_STALE : InvalidationMode.REMOVE);
    }

    /** The worker's key {@code index}. */
    public static Key key(int index) {
        return Key.of("tag-crash-" + index);
    }

    /** The value op {@code seq} of a round writes. */
    public static byte[] value(int round, long seq) {
        return ("r" + round + "-s" + seq).getBytes(StandardCharsets.UTF_8);
    }

    /** Args: factory class, directory, capacity, maxValueSize, round, log file. */
    public static void main(String[] args) throws Exception {
        TckEngineFactory factory = (TckEngineFactory) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        TckSetup setup = new TckSetup(Clock.system(), Long.parseLong(args[2]), Long.parseLong(args[3]),
                Path.of(args[1]), Duration.ofSeconds(1));
        int round = Integer.parseInt(args[4]);
        try (FileChannel out = FileChannel.open(Path.of(args[5]), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            StorageEngine engine = factory.open(setup);
            for (long seq = 0; ; seq++) {
                Op op = op(round, seq);
                long result = op.write()
                        ? engine.set(key(op.key()), value(round, seq), WriteOptions.none().withTags(op.tags()))
                        : engine.invalidateTag(op.tag(), op.mode());
                ByteBuffer line = ByteBuffer.wrap((seq + " " + result + "\n").getBytes(StandardCharsets.US_ASCII));
                while (line.hasRemaining()) {
                    out.write(line);
                }
            }
        } catch (RuntimeException | Error e) {
            System.out.println("FAIL " + e);
            e.printStackTrace(System.out);
            System.out.flush();
            Runtime.getRuntime().halt(3);
        }
    }
}
