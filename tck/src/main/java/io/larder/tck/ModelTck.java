package io.larder.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.ComputeAction;
import io.larder.spi.Entry;
import io.larder.spi.Expiry;
import io.larder.spi.Key;
import io.larder.spi.Variant;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Suite 2: long random sequences of every operation and of clock advances (and, for persistent
 * engines, reopens), run on the engine and on the reference model side by side; every result and
 * every read is compared. jqwik shrinks a failing sequence and prints it with its seed.
 * Length: {@code tries} sequences of up to {@link #tckModelChainLength()} actions.
 */
public interface ModelTck extends TckSuite {

    /** Most actions in one sequence: {@code -Dlarder.tck.modelLength=N}. */
    default int tckModelChainLength() {
        return Integer.getInteger("larder.tck.modelLength", 60);
    }

    @Property(tries = 100)
    default void engineBehavesLikeTheModel(@ForAll("modelRuns") ActionChain<ModelRun> chain) {
        try {
            chain.run();
        } finally {
            ModelRun.closeAll();
        }
    }

    @Provide
    default Arbitrary<ActionChain<ModelRun>> modelRuns() {
        return ActionChain.startWith(() -> new ModelRun(openEngine()))
                .withAction(6, ModelActions.read())
                .withAction(6, ModelActions.write())
                .withAction(4, ModelActions.conditional())
                .withAction(3, ModelActions.counter())
                .withAction(2, ModelActions.compute())
                .withAction(2, ModelActions.primaryWide())
                .withAction(3, ModelActions.clock())
                .withAction(1, ModelActions.reopen())
                .withMaxTransformations(tckModelChainLength());
    }

    /** The actions, as generators of described steps. */
    final class ModelActions {

        private static final List<Key> KEYS = List.of(Key.of("/a"), Key.of("/a", Variant.of("lang", "fr")),
                Key.of("/a", Variant.of("lang", "de", "device", "mobile")), Key.of("/a/"),
                Key.of("/a/", Variant.of("lang", "fr")), Key.of("/b"), Key.of("/b", Variant.of("lang", "fr")));
        private static final List<String> PRIMARIES = List.of("/a", "/a/", "/b", "/c");
        private static final List<String> VALUES = List.of("", "0", "41", "18446744073709551615", "abc", "x\u00e9",
                "99999999999999999999");

        private ModelActions() {
        }

        private static Arbitrary<Key> keys() {
            return Arbitraries.of(KEYS);
        }

        private static Arbitrary<byte[]> values() {
            return Arbitraries.oneOf(Arbitraries.of(VALUES).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                    Arbitraries.bytes().array(byte[].class).ofMaxSize(40));
        }

        /** Expiry as a code: -1 never, -2 a past instant, else milliseconds from now. */
        private static Arbitrary<Long> expiries() {
            return Arbitraries.oneOf(Arbitraries.just(-1L), Arbitraries.just(-2L),
                    Arbitraries.longs().between(0, 3000));
        }

        private static Expiry expiry(long code, ModelRun run) {
            if (code == -1) {
                return Expiry.never();
            }
            if (code == -2) {
                return Expiry.atEpochMillis(run.underTest.clock().millis() - 1);
            }
            return Expiry.afterMillis(code);
        }

        private static String show(byte[] value) {
            return "'" + new String(value, StandardCharsets.UTF_8) + "'";
        }

        private static String show(long expiryCode) {
            return expiryCode == -1 ? "never" : expiryCode == -2 ? "past" : expiryCode + "ms";
        }

        static Action<ModelRun> read() {
            return (Action.Independent<ModelRun>) () -> Combinators.combine(keys(), Arbitraries.integers()
                    .between(0, 3)).as((key, how) -> {
                        switch (how) {
                            case 0:
                                return Transformer.mutate("get " + key, run -> run.both("get " + key,
                                        e -> e.get(key), run::compareEntries));
                            case 1:
                                return Transformer.mutate("read " + key, run -> run.both("read " + key,
                                        e -> e.read(key, Entry::copyOf), run::compareEntries));
                            case 2:
                                return Transformer.mutate("copyValue(8 bytes) " + key, run -> run.both(
                                        "copyValue " + key, e -> {
                                            ByteBuffer dst = ByteBuffer.allocate(8);
                                            int n = e.copyValue(key, dst);
                                            dst.flip();
                                            return n + ":" + TckValues.string(dst);
                                        }, run::compareEqual));
                            default:
                                return Transformer.mutate("getAndTouch(+5s) " + key, run -> run.both(
                                        "getAndTouch " + key, e -> e.getAndTouch(key, Expiry.after(
                                                Duration.ofSeconds(5))), run::compareEntries));
                        }
                    });
        }

        static Action<ModelRun> write() {
            return (Action.Independent<ModelRun>) () -> Combinators.combine(keys(), values(), expiries(),
                    Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 4)).as(
                            (key, value, exp, flags, how) -> {
                                String name = List.of("set", "add", "replace", "append", "prepend").get(how);
                                String text = name + " " + key + " " + show(value) + " " + show(exp) + " flags "
                                        + flags;
                                return Transformer.mutate(text, run -> {
                                    if (how == 0) {
                                        run.both(text, e -> e.set(key, ByteBuffer.wrap(value), expiry(exp, run),
                                                flags), run::newVersions);
                                    } else if (how == 1) {
                                        run.both(text, e -> e.add(key, value, expiry(exp, run), flags),
                                                run::compareWrite);
                                    } else if (how == 2) {
                                        run.both(text, e -> e.replace(key, value, expiry(exp, run), flags),
                                                run::compareWrite);
                                    } else if (how == 3) {
                                        run.both(text, e -> e.append(key, value), run::compareWrite);
                                    } else {
                                        run.both(text, e -> e.prepend(key, ByteBuffer.wrap(value)),
                                                run::compareWrite);
                                    }
                                });
                            });
        }

        static Action<ModelRun> conditional() {
            return (Action.Independent<ModelRun>) () -> Combinators.combine(keys(), values(),
                    Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 1000)).as(
                            (key, value, how, pick) -> {
                                String text = List.of("cas(current)", "cas(past version)", "delete",
                                        "delete(current)", "delete(past version)", "touch(+2s)").get(how) + " " + key
                                        + (how < 2 ? " " + show(value) : "");
                                return Transformer.mutate(text, run -> {
                                    Entry current = run.model.get(key);
                                    long[] past = run.pastVersions(pick);
                                    long modelVersion = current != null && how != 1 && how != 4
                                            ? current.version() : past[1];
                                    long engineVersion = run.engineVersionOf(modelVersion);
                                    // Both sides read the key as the model just did, so hits stay in step.
                                    run.engine().get(key);
                                    switch (how) {
                                        case 0:
                                        case 1:
                                            run.both(text, e -> e.compareAndSet(key, e == run.model ? modelVersion
                                                    : engineVersion, value, Expiry.never(), 1), run::compareWrite);
                                            break;
                                        case 2:
                                            run.both(text, e -> e.delete(key), run::compareWrite);
                                            break;
                                        case 3:
                                        case 4:
                                            run.both(text, e -> e.delete(key, e == run.model ? modelVersion
                                                    : engineVersion), run::compareWrite);
                                            break;
                                        default:
                                            run.both(text, e -> e.touch(key, Expiry.after(Duration.ofSeconds(2))),
                                                    run::compareWrite);
                                    }
                                });
                            });
        }

        static Action<ModelRun> counter() {
            return (Action.Independent<ModelRun>) () -> Combinators.combine(keys(), Arbitraries.of(1L, 7L, -1L,
                    1L << 63), Arbitraries.of(true, false)).as((key, delta, up) -> {
                        String text = (up ? "increment " : "decrement ") + key + " by "
                                + Long.toUnsignedString(delta);
                        return Transformer.mutate(text, run -> run.both(text,
                                e -> up ? e.increment(key, delta) : e.decrement(key, delta), run::compareCounter));
                    });
        }

        static Action<ModelRun> compute() {
            return (Action.Independent<ModelRun>) () -> Combinators.combine(keys(), Arbitraries.integers()
                    .between(0, 3)).as((key, how) -> {
                        String text = "compute(" + List.of("keep", "remove", "double the value", "touch never")
                                .get(how) + ") " + key;
                        return Transformer.mutate(text, run -> run.both(text, e -> e.compute(key, cur -> {
                            switch (how) {
                                case 0:
                                    return ComputeAction.keep();
                                case 1:
                                    return ComputeAction.remove();
                                case 2:
                                    byte[] old = cur == null ? new byte[] {'n'} : cur.value();
                                    byte[] doubled = new byte[old.length * 2];
                                    System.arraycopy(old, 0, doubled, 0, old.length);
                                    System.arraycopy(old, 0, doubled, old.length, old.length);
                                    return ComputeAction.store(doubled, Expiry.never(), 2);
                                default:
                                    return ComputeAction.touch(Expiry.never());
                            }
                        }), (what, engine, model) -> {
                            if (how == 2) {
                                run.compareEqual(what + " value", engine.valueAsString(), model.valueAsString());
                                run.newVersions(what, engine.version(), model.version());
                            } else {
                                run.compareEntries(what, engine, model);
                            }
                        }));
                    });
        }

        static Action<ModelRun> primaryWide() {
            return (Action.Independent<ModelRun>) () -> Combinators.combine(Arbitraries.of(PRIMARIES),
                    Arbitraries.integers().between(0, 5)).as((primary, how) -> {
                        if (how == 5) {
                            return Transformer.mutate("clear", run -> run.both("clear", e -> {
                                e.clear();
                                return true;
                            }, run::compareEqual));
                        }
                        if (how >= 3) {
                            return Transformer.mutate("invalidate " + primary, run -> run.both("invalidate "
                                    + primary, e -> e.invalidate(primary), run::compareEqual));
                        }
                        return Transformer.mutate("variants " + primary, run -> run.both("variants " + primary,
                                e -> new HashSet<>(e.variants(primary)), run::compareEqual));
                    });
        }

        static Action<ModelRun> clock() {
            return (Action.Independent<ModelRun>) () -> Arbitraries.longs().between(1, 2500).map(ms ->
                    Transformer.mutate("advance clock " + ms + "ms", run -> run.underTest.clock().advanceMillis(ms)));
        }

        static Action<ModelRun> reopen() {
            return new Action.Dependent<ModelRun>() {
                @Override
                public boolean precondition(ModelRun run) {
                    return run.persistent;
                }

                @Override
                public Arbitrary<Transformer<ModelRun>> transformer(ModelRun state) {
                    return Arbitraries.just(Transformer.mutate("close and reopen the engine", run -> {
                        run.underTest.reopen();
                        assertThat(run.engine().capabilities()).isNotNull();
                    }));
                }
            };
        }
    }
}
