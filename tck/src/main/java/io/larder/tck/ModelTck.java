package io.larder.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Capability;
import io.larder.spi.ComputeAction;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.LeaseOptions;
import io.larder.spi.Variant;
import io.larder.spi.WriteOptions;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Suite 2: random sequences of every operation and of clock advances (and, for persistent engines,
 * reopens), run on the engine and on the reference model side by side; every result and every read
 * is compared. A failing sequence is shrunk and reported with its seed ({@link SequenceProperty}).
 * Sequences of up to {@link #tckModelChainLength()} actions, until {@link #tckModelActions()} have
 * run: 10,000 at {@code standard} intensity, 1,000,000 at {@code soak}.
 */
public interface ModelTck extends TckSuite {

    /** Most actions in one sequence: {@code -Dlarder.tck.modelLength=N}, else by intensity. */
    default int tckModelChainLength() {
        return Integer.getInteger("larder.tck.modelLength", tckIntensity().pick(40, 100, 400));
    }

    /** Actions per run, by intensity: 1,000, 10,000 or 1,000,000. */
    default long tckModelActions() {
        return tckIntensity().pick(1_000L, 10_000L, 1_000_000L);
    }

    @Test
    default void engineBehavesLikeTheModel() {
        boolean persistent = engineDeclares(Capability.PERSISTENT);
        boolean cache = engineDeclares(Capability.CACHE_SEMANTICS);
        long seed = tckSeed();
        long start = System.nanoTime();
        int maxLength = tckModelChainLength();
        // Intensity sets the action count (and, unless given, the length): both shape the sequences.
        String replay = tckIntensity().setting() + " -Dlarder.tck.modelLength=" + maxLength;
        SequenceProperty.Outcome outcome = new SequenceProperty<>("the engine behaves like the reference model",
                () -> new ModelRun(openEngine()), random -> ModelAction.random(random, persistent, cache),
                tckIntensity().pick(1000, 3000, 20000), tckIntensity().pick(30, 60, 300))
                .check(seed, tckModelActions(), maxLength, replay);
        System.getLogger("io.larder.tck").log(Level.DEBUG, () -> getClass().getSimpleName() + ": "
                + outcome.actions() + " model-checked actions in " + outcome.sequences() + " sequences, seed "
                + seed + ", " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /** What an action does. */
    enum Op { GET, READ, COPY_VALUE, GET_AND_TOUCH, SET, ADD, REPLACE, APPEND, PREPEND, CAS_CURRENT, CAS_PAST,
        DELETE, DELETE_CURRENT, DELETE_PAST, TOUCH, INCREMENT, DECREMENT, COMPUTE_KEEP, COMPUTE_REMOVE,
        COMPUTE_DOUBLE, COMPUTE_TOUCH, VARIANTS, INVALIDATE, CLEAR, ADVANCE_CLOCK, REOPEN,
        // Cache semantics, for engines that declare them:
        LOOKUP, MARK_STALE, INVALIDATE_SOFT, INVALIDATE_TAG, SET_TAGGED, ADD_TAGGED, REPLACE_TAGGED, CAS_TOKEN }

    /** The small tag alphabet of the model's sequences, so invalidations meet the tags written. */
    List<String> MODEL_TAGS = List.of("t0", "t1", "t2");

    /**
     * One action with its arguments; the arguments an operation does not take are left at their
     * simplest. Shrinks towards the key {@code /a}, the empty value, no expiry, no flags, a delta of 1.
     */
    record ModelAction(Op op, Key key, byte[] value, long expiry, int flags, long number)
            implements SequenceProperty.Step<ModelRun> {

        private static final Key SIMPLEST_KEY = Key.of("/a");

        static ModelAction random(SplittableRandom r, boolean persistent, boolean cache) {
            // Weights: reads 6, writes 6, conditionals 4, counters 3, compute 2, primary-wide 2, clock 3, cache 10
            // (engines with cache semantics), reopen 1.
            int cacheWeight = cache ? 10 : 0;
            int total = 26 + cacheWeight + (persistent ? 1 : 0);
            int w = r.nextInt(total);
            Key key = TckGenerators.key(r);
            if (w >= 26 && w < 26 + cacheWeight) {
                return cacheAction(r, key, w - 26);
            }
            if (w < 6) {
                return of(TckGenerators.oneOf(r, Op.GET, Op.READ, Op.COPY_VALUE, Op.GET_AND_TOUCH), key, r);
            } else if (w < 12) {
                return of(TckGenerators.oneOf(r, Op.SET, Op.ADD, Op.REPLACE, Op.APPEND, Op.PREPEND), key, r);
            } else if (w < 16) {
                return of(TckGenerators.oneOf(r, Op.CAS_CURRENT, Op.CAS_PAST, Op.DELETE, Op.DELETE_CURRENT,
                        Op.DELETE_PAST, Op.TOUCH), key, r);
            } else if (w < 19) {
                ModelAction a = of(r.nextBoolean() ? Op.INCREMENT : Op.DECREMENT, key, r);
                return new ModelAction(a.op, key, a.value, a.expiry, a.flags, TckGenerators.oneOf(r, 1L, 7L, -1L,
                        1L << 63));
            } else if (w < 21) {
                return of(TckGenerators.oneOf(r, Op.COMPUTE_KEEP, Op.COMPUTE_REMOVE, Op.COMPUTE_DOUBLE,
                        Op.COMPUTE_TOUCH), key, r);
            } else if (w < 23) {
                Op op = TckGenerators.oneOf(r, Op.VARIANTS, Op.VARIANTS, Op.VARIANTS, Op.INVALIDATE, Op.INVALIDATE,
                        Op.CLEAR);
                return new ModelAction(op, Key.of(TckGenerators.primary(r)), new byte[0], TckGenerators.NEVER, 0, 0);
            } else if (w < 26) {
                return new ModelAction(Op.ADVANCE_CLOCK, SIMPLEST_KEY, new byte[0], TckGenerators.NEVER, 0,
                        1 + r.nextInt(2500));
            }
            return new ModelAction(Op.REOPEN, SIMPLEST_KEY, new byte[0], TckGenerators.NEVER, 0, 0);
        }

        /**
         * A cache action. Its arguments are packed: a lookup's {@code number} is its options (see
         * {@link #lookupOptions()}), a tagged write's {@code flags} are also its tag mask over
         * {@link #MODEL_TAGS}, a tag invalidation's {@code number} is the tag and the mode, a grace
         * is the expiry code ({@code never}: no grace).
         */
        private static ModelAction cacheAction(SplittableRandom r, Key key, int w) {
            if (w < 3) {
                return new ModelAction(Op.LOOKUP, key, new byte[0], TckGenerators.NEVER, 0, r.nextInt(4000 * 12));
            } else if (w < 4) {
                return of(Op.MARK_STALE, key, r);
            } else if (w < 5) {
                return new ModelAction(Op.INVALIDATE_SOFT, Key.of(TckGenerators.primary(r)), new byte[0],
                        TckGenerators.NEVER, 0, 0);
            } else if (w < 6) {
                return new ModelAction(Op.INVALIDATE_TAG, SIMPLEST_KEY, new byte[0], TckGenerators.NEVER, 0,
                        r.nextInt(6));
            } else if (w < 9) {
                return new ModelAction(TckGenerators.oneOf(r, Op.SET_TAGGED, Op.ADD_TAGGED, Op.REPLACE_TAGGED), key,
                        TckGenerators.value(r), TckGenerators.expiry(r), r.nextInt(8), 0);
            }
            return new ModelAction(Op.CAS_TOKEN, key, TckGenerators.value(r), TckGenerators.NEVER, r.nextInt(8),
                    r.nextInt(1000));
        }

        /** A lookup's options from {@code number}: lease 1..4000 ms, vivify, accept stale, recache below 0, 1 s, 10 s. */
        private LeaseOptions lookupOptions() {
            long bits = number / 4000;
            return LeaseOptions.of(Duration.ofMillis(1 + number % 4000)).withVivifyOnMiss((bits & 1) == 0)
                    .withAcceptStale((bits & 2) == 0)
                    .withRecacheBelow(Duration.ofMillis(bits / 4 == 0 ? 0 : bits / 4 == 1 ? 1000 : 10_000));
        }

        /** The tags of a tagged write: {@code flags} as a mask over {@link #MODEL_TAGS}. */
        private List<String> tags() {
            List<String> tags = new ArrayList<>();
            for (int i = 0; i < MODEL_TAGS.size(); i++) {
                if ((flags & (1 << i)) != 0) {
                    tags.add(MODEL_TAGS.get(i));
                }
            }
            return tags;
        }

        private WriteOptions writeOptions(ModelRun run) {
            return WriteOptions.expiring(expiry(run)).withFlags(flags).withTags(tags());
        }

        private String tag() {
            return MODEL_TAGS.get((int) (number % MODEL_TAGS.size()));
        }

        private InvalidationMode mode() {
            return (number / MODEL_TAGS.size()) % 2 == 0 ? InvalidationMode.REMOVE : InvalidationMode.MARK_STALE;
        }

        private static ModelAction of(Op op, Key key, SplittableRandom r) {
            return new ModelAction(op, key, TckGenerators.value(r), TckGenerators.expiry(r), r.nextInt(4),
                    r.nextInt(1000));
        }

        @Override
        public List<SequenceProperty.Step<ModelRun>> simpler() {
            List<SequenceProperty.Step<ModelRun>> simpler = new ArrayList<>();
            if (!key.equals(SIMPLEST_KEY)) {
                Key simplest = op == Op.VARIANTS || op == Op.INVALIDATE ? Key.of("/a") : SIMPLEST_KEY;
                simpler.add(new ModelAction(op, simplest, value, expiry, flags, number));
                if (!key.variant().isEmpty()) {
                    simpler.add(new ModelAction(op, Key.of(key.primary(), Variant.EMPTY), value, expiry, flags,
                            number));
                }
            }
            if (value.length > 0) {
                simpler.add(new ModelAction(op, key, new byte[0], expiry, flags, number));
                simpler.add(new ModelAction(op, key, Arrays.copyOf(value, value.length / 2), expiry, flags, number));
            }
            if (expiry != TckGenerators.NEVER) {
                simpler.add(new ModelAction(op, key, value, TckGenerators.NEVER, flags, number));
            }
            if (flags != 0) {
                simpler.add(new ModelAction(op, key, value, expiry, 0, number));
            }
            boolean counter = op == Op.INCREMENT || op == Op.DECREMENT;
            if (counter && number != 1) {
                simpler.add(new ModelAction(op, key, value, expiry, flags, 1));
            } else if (op == Op.ADVANCE_CLOCK && number > 1) {
                simpler.add(new ModelAction(op, key, value, expiry, flags, number / 2));
            } else if (!counter && op != Op.ADVANCE_CLOCK && number != 0) {
                simpler.add(new ModelAction(op, key, value, expiry, flags, 0));
            }
            return simpler;
        }

        private static String show(byte[] value) {
            return "'" + new String(value, StandardCharsets.UTF_8) + "'";
        }

        private static String showExpiry(long code) {
            return code == TckGenerators.NEVER ? "never" : code == TckGenerators.PAST ? "past" : code + "ms";
        }

        private Expiry expiry(ModelRun run) {
            if (expiry == TckGenerators.NEVER) {
                return Expiry.never();
            }
            if (expiry == TckGenerators.PAST) {
                return Expiry.atEpochMillis(run.underTest.clock().millis() - 1);
            }
            return Expiry.afterMillis(expiry);
        }

        /** The operation: a shrunk failure stays one of the operation that failed first. */
        @Override
        public String kind() {
            return op.name();
        }

        @Override
        public String describe() {
            String write = " " + key + " " + show(value) + " " + showExpiry(expiry) + " flags " + flags;
            switch (op) {
                case GET: return "get " + key;
                case READ: return "read " + key;
                case COPY_VALUE: return "copyValue(8 bytes) " + key;
                case GET_AND_TOUCH: return "getAndTouch(+5s) " + key;
                case SET: return "set" + write;
                case ADD: return "add" + write;
                case REPLACE: return "replace" + write;
                case APPEND: return "append " + key + " " + show(value);
                case PREPEND: return "prepend " + key + " " + show(value);
                case CAS_CURRENT: return "cas(current) " + key + " " + show(value);
                case CAS_PAST: return "cas(past version #" + number + ") " + key + " " + show(value);
                case DELETE: return "delete " + key;
                case DELETE_CURRENT: return "delete(current) " + key;
                case DELETE_PAST: return "delete(past version #" + number + ") " + key;
                case TOUCH: return "touch(+2s) " + key;
                case INCREMENT: return "increment " + key + " by " + Long.toUnsignedString(number);
                case DECREMENT: return "decrement " + key + " by " + Long.toUnsignedString(number);
                case COMPUTE_KEEP: return "compute(keep) " + key;
                case COMPUTE_REMOVE: return "compute(remove) " + key;
                case COMPUTE_DOUBLE: return "compute(double the value) " + key;
                case COMPUTE_TOUCH: return "compute(touch never) " + key;
                case VARIANTS: return "variants " + key.primaryAsString();
                case INVALIDATE: return "invalidate " + key.primaryAsString();
                case CLEAR: return "clear";
                case ADVANCE_CLOCK: return "advance clock " + number + "ms";
                case LOOKUP: return "lookup " + key + " " + lookupOptions();
                case MARK_STALE: return "markStale " + key + " grace " + showExpiry(expiry);
                case INVALIDATE_SOFT: return "invalidate(MARK_STALE) " + key.primaryAsString();
                case INVALIDATE_TAG: return "invalidateTag " + tag() + " " + mode();
                case SET_TAGGED: return "set" + write + " tags " + tags();
                case ADD_TAGGED: return "add" + write + " tags " + tags();
                case REPLACE_TAGGED: return "replace" + write + " tags " + tags();
                case CAS_TOKEN: return "cas(lease token #" + number + ") " + key + " " + show(value) + " tags " + tags();
                default: return "close and reopen the engine";
            }
        }

        @Override
        public void run(ModelRun run) {
            String text = describe();
            switch (op) {
                case GET:
                    run.both(text, e -> e.get(key), run::compareEntries);
                    break;
                case READ:
                    run.both(text, e -> e.read(key, Entry::copyOf), run::compareEntries);
                    break;
                case COPY_VALUE:
                    run.both(text, e -> {
                        ByteBuffer dst = ByteBuffer.allocate(8);
                        int n = e.copyValue(key, dst);
                        dst.flip();
                        return n + ":" + TckValues.string(dst);
                    }, run::compareEqual);
                    break;
                case GET_AND_TOUCH:
                    run.both(text, e -> e.getAndTouch(key, Expiry.after(Duration.ofSeconds(5))), run::compareEntries);
                    break;
                case SET:
                    run.both(text, e -> e.set(key, ByteBuffer.wrap(value), expiry(run), flags), run::newVersions);
                    break;
                case ADD:
                    run.both(text, e -> e.add(key, value, expiry(run), flags), run::compareWrite);
                    break;
                case REPLACE:
                    run.both(text, e -> e.replace(key, value, expiry(run), flags), run::compareWrite);
                    break;
                case APPEND:
                    run.both(text, e -> e.append(key, value), run::compareWrite);
                    break;
                case PREPEND:
                    run.both(text, e -> e.prepend(key, ByteBuffer.wrap(value)), run::compareWrite);
                    break;
                case CAS_CURRENT: case CAS_PAST: case DELETE: case DELETE_CURRENT: case DELETE_PAST: case TOUCH:
                    conditional(run, text);
                    break;
                case INCREMENT:
                    run.both(text, e -> e.increment(key, number), run::compareCounter);
                    break;
                case DECREMENT:
                    run.both(text, e -> e.decrement(key, number), run::compareCounter);
                    break;
                case COMPUTE_KEEP: case COMPUTE_REMOVE: case COMPUTE_DOUBLE: case COMPUTE_TOUCH:
                    compute(run, text);
                    break;
                case VARIANTS:
                    run.both(text, e -> new HashSet<>(e.variants(key.primary())), run::compareEqual);
                    break;
                case INVALIDATE:
                    run.both(text, e -> e.invalidate(key.primary()), run::compareEqual);
                    break;
                case CLEAR:
                    run.both(text, e -> {
                        e.clear();
                        return true;
                    }, run::compareEqual);
                    break;
                case ADVANCE_CLOCK:
                    run.underTest.clock().advanceMillis(number);
                    break;
                case LOOKUP:
                    run.both(text, e -> e.lookup(key, lookupOptions()), run::compareLookup);
                    break;
                case MARK_STALE:
                    run.both(text, e -> e.markStale(key, expiry == TckGenerators.NEVER ? null : expiry(run)),
                            run::compareWrite);
                    break;
                case INVALIDATE_SOFT:
                    run.both(text, e -> e.invalidate(key.primary(), InvalidationMode.MARK_STALE), run::compareEqual);
                    run.registerMarked(text, key.primary());
                    break;
                case INVALIDATE_TAG:
                    run.both(text, e -> e.invalidateTag(tag(), mode()), run::newVersions);
                    break;
                case SET_TAGGED:
                    run.both(text, e -> e.set(key, value, writeOptions(run)), run::newVersions);
                    break;
                case ADD_TAGGED:
                    run.both(text, e -> e.add(key, ByteBuffer.wrap(value), writeOptions(run)), run::compareWrite);
                    break;
                case REPLACE_TAGGED:
                    run.both(text, e -> e.replace(key, ByteBuffer.wrap(value), writeOptions(run)), run::compareWrite);
                    break;
                case CAS_TOKEN: {
                    long[] token = run.token((int) number);
                    run.both(text, e -> e.compareAndSet(key, e == run.model ? token[1] : token[0], value,
                            writeOptions(run)), run::compareWrite);
                    break;
                }
                default:
                    if (run.persistent) {
                        run.underTest.reopen();
                        assertThat(run.engine().capabilities()).isNotNull();
                    }
            }
        }

        private void conditional(ModelRun run, String text) {
            Entry current = run.model.get(key);
            long[] past = run.pastVersions((int) number);
            boolean usePast = op == Op.CAS_PAST || op == Op.DELETE_PAST;
            long modelVersion = current != null && !usePast ? current.version() : past[1];
            long engineVersion = run.engineVersionOf(modelVersion);
            // Both sides read the key as the model just did, so hits stay in step.
            run.engine().get(key);
            switch (op) {
                case CAS_CURRENT: case CAS_PAST:
                    run.both(text, e -> e.compareAndSet(key, e == run.model ? modelVersion : engineVersion, value,
                            Expiry.never(), 1), run::compareWrite);
                    break;
                case DELETE:
                    run.both(text, e -> e.delete(key), run::compareWrite);
                    break;
                case DELETE_CURRENT: case DELETE_PAST:
                    run.both(text, e -> e.delete(key, e == run.model ? modelVersion : engineVersion),
                            run::compareWrite);
                    break;
                default:
                    run.both(text, e -> e.touch(key, Expiry.after(Duration.ofSeconds(2))), run::compareWrite);
            }
        }

        private void compute(ModelRun run, String text) {
            run.both(text, e -> e.compute(key, cur -> {
                switch (op) {
                    case COMPUTE_KEEP:
                        return ComputeAction.keep();
                    case COMPUTE_REMOVE:
                        return ComputeAction.remove();
                    case COMPUTE_DOUBLE:
                        byte[] old = cur == null ? new byte[] {'n'} : cur.value();
                        byte[] doubled = new byte[old.length * 2];
                        System.arraycopy(old, 0, doubled, 0, old.length);
                        System.arraycopy(old, 0, doubled, old.length, old.length);
                        return ComputeAction.store(doubled, Expiry.never(), 2);
                    default:
                        return ComputeAction.touch(Expiry.never());
                }
            }), (what, engine, model) -> {
                if (op == Op.COMPUTE_DOUBLE) {
                    run.compareEqual(what + " value", engine.valueAsString(), model.valueAsString());
                    run.newVersions(what, engine.version(), model.version());
                } else {
                    run.compareEntries(what, engine, model);
                }
            });
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ModelAction a && a.op == op && a.key.equals(key) && Arrays.equals(a.value, value)
                    && a.expiry == expiry && a.flags == flags && a.number == number;
        }

        @Override
        public int hashCode() {
            return (op.hashCode() * 31 + key.hashCode()) * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
