package io.larder.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.larder.spi.Capability;
import io.larder.spi.ComputeAction;
import io.larder.spi.CounterResult;
import io.larder.spi.EngineConfig;
import io.larder.spi.Entry;
import io.larder.spi.Key;
import io.larder.spi.Larder;
import io.larder.spi.Lookup;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The state of one model-based run: the engine under test and the reference model side by side on
 * one clock, and the correspondence between their versions. The engine's versions need not equal
 * the model's, but they must correspond one to one, in the same order.
 */
public final class ModelRun implements AutoCloseable {

    final EngineUnderTest underTest;
    final StorageEngine model;
    final boolean persistent;
    private final Map<Long, Long> engineToModel = new HashMap<>();
    private final Map<Long, Long> modelToEngine = new HashMap<>();
    private final List<long[]> pairs = new ArrayList<>();
    private final List<long[]> tokens = new ArrayList<>();
    private long highestEngineVersion;

    ModelRun(EngineUnderTest underTest) {
        this.underTest = underTest;
        this.model = Larder.open(EngineConfig.of("heap", Map.of("capacity", "256m", "maxValueSize",
                Long.toString(underTest.engine().maxValueSize()), "sweepInterval", "1h"))
                .withClock(underTest.clock()));
        this.persistent = underTest.engine().capabilities().contains(Capability.PERSISTENT);
    }

    StorageEngine engine() {
        return underTest.engine();
    }

    @Override
    public void close() {
        try {
            underTest.close();
        } finally {
            model.close();
        }
    }

    /** Runs the same call on both; both must throw the same kind of exception or return corresponding results. */
    <R> void both(String what, Function<StorageEngine, R> call, Comparer<R> compare) {
        R fromEngine;
        R fromModel;
        RuntimeException engineError = null;
        RuntimeException modelError = null;
        try {
            fromModel = call.apply(model);
        } catch (RuntimeException e) {
            modelError = e;
            fromModel = null;
        }
        try {
            fromEngine = call.apply(engine());
        } catch (RuntimeException e) {
            engineError = e;
            fromEngine = null;
        }
        if (modelError != null || engineError != null) {
            assertThat(engineError == null ? null : engineError.getClass())
                    .as("%s: engine threw %s, model threw %s", what, engineError, modelError)
                    .isEqualTo(modelError == null ? null : modelError.getClass());
            return;
        }
        compare.check(what, fromEngine, fromModel);
    }

    /** Compares an engine result with the model's. */
    @FunctionalInterface
    interface Comparer<R> {
        void check(String what, R engine, R model);
    }

    /** A version the engine just handed out for a write, with the model's for the same write. */
    void newVersions(String what, long engineVersion, long modelVersion) {
        assertThat(engineVersion).as("%s: version must be greater than every version before", what)
                .isGreaterThan(highestEngineVersion);
        highestEngineVersion = engineVersion;
        engineToModel.put(engineVersion, modelVersion);
        modelToEngine.put(modelVersion, engineVersion);
        pairs.add(new long[] {engineVersion, modelVersion});
    }

    /** A version the engine reports for an existing entry: it must be the one that write got. */
    void sameVersion(String what, long engineVersion, long modelVersion) {
        assertThat(engineToModel.get(engineVersion)).as("%s: engine version %d stands for model version %d",
                what, engineVersion, modelVersion).isEqualTo(modelVersion);
    }

    /** A pair of (engine, model) versions that stood for the same write, or (1, 1) if none yet; by index. */
    long[] pastVersions(int pick) {
        return pairs.isEmpty() ? new long[] {1, 1} : pairs.get(Math.floorMod(pick, pairs.size()));
    }

    /** The engine's version of the model's version, for calls that take one. */
    long engineVersionOf(long modelVersion) {
        return modelToEngine.getOrDefault(modelVersion, modelVersion);
    }

    /** A lease token pair (engine, model) a lookup handed out, by index; a past version pair if none yet. */
    long[] token(int pick) {
        return tokens.isEmpty() ? pastVersions(pick) : tokens.get(Math.floorMod(pick, tokens.size()));
    }

    void compareLookup(String what, Lookup engine, Lookup model) {
        assertThat(engine.status()).as("%s: status (model: %s, engine: %s)", what, model, engine)
                .isEqualTo(model.status());
        if (model.won()) {
            newVersions(what + " lease token", engine.token(), model.token());
            tokens.add(new long[] {engine.token(), model.token()});
        }
        compareEntries(what + " entry served", engine.entry(), model.entry());
    }

    /**
     * After a soft invalidation of {@code primary}: the versions each marked variant got on both
     * sides correspond (the engine may mark them in another order than the model).
     */
    void registerMarked(String what, byte[] primary) {
        List<long[]> marked = new ArrayList<>();
        for (Variant v : model.variants(primary)) {
            Key key = Key.of(primary, v);
            Entry m = model.compute(key, cur -> ComputeAction.keep());
            Entry e = engine().compute(key, cur -> ComputeAction.keep());
            assertThat(e).as("%s: variant %s is there", what, v).isNotNull();
            if (m.stale() && !modelToEngine.containsKey(m.version())) {
                marked.add(new long[] {e.version(), m.version()});
            }
        }
        marked.sort((a, b) -> Long.compare(a[1], b[1]));
        long highestBefore = highestEngineVersion;
        for (long[] pair : marked) {
            assertThat(pair[0]).as("%s: a marked entry's new version is above every version before", what)
                    .isGreaterThan(highestBefore);
            assertThat(engineToModel.containsKey(pair[0])).as("%s: version %d is new", what, pair[0]).isFalse();
            highestEngineVersion = Math.max(highestEngineVersion, pair[0]);
            engineToModel.put(pair[0], pair[1]);
            modelToEngine.put(pair[1], pair[0]);
            pairs.add(pair);
        }
    }

    void compareEntries(String what, Entry engine, Entry model) {
        if (model == null) {
            assertThat(engine).as("%s: the model has no entry", what).isNull();
            return;
        }
        assertThat(engine).as("%s: the model has %s", what, model).isNotNull();
        assertThat(engine.value()).as("%s: value", what).isEqualTo(model.value());
        assertThat(engine.flags()).as("%s: flags", what).isEqualTo(model.flags());
        assertThat(engine.expiresAt()).as("%s: expiresAt", what).isEqualTo(model.expiresAt());
        assertThat(engine.storedAt()).as("%s: storedAt", what).isEqualTo(model.storedAt());
        assertThat(engine.stale()).as("%s: stale", what).isEqualTo(model.stale());
        assertThat(engine.tags()).as("%s: tags", what).isEqualTo(model.tags());
        assertThat(engine.leased()).as("%s: leased", what).isEqualTo(model.leased());
        assertThat(engine.placeholder()).as("%s: placeholder", what).isEqualTo(model.placeholder());
        sameVersion(what, engine.version(), model.version());
    }

    void compareWrite(String what, Outcome engine, Outcome model) {
        assertThat(engine.status()).as("%s: outcome (model: %s)", what, model).isEqualTo(model.status());
        if (model.status() == Outcome.Status.STORED) {
            newVersions(what, engine.version(), model.version());
        } else if (model.status() != Outcome.Status.NOT_FOUND) {
            sameVersion(what, engine.version(), model.version());
        }
    }

    void compareCounter(String what, CounterResult engine, CounterResult model) {
        assertThat(engine.found()).as("%s: found", what).isEqualTo(model.found());
        if (model.found()) {
            assertThat(engine.value()).as("%s: value", what).isEqualTo(model.value());
            newVersions(what, engine.version(), model.version());
        }
    }

    void compareEqual(String what, Object engine, Object model) {
        assertThat(engine).as(what).isEqualTo(model);
    }
}
