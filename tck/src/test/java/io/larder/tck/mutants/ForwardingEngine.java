package io.larder.tck.mutants;

import io.larder.spi.Capability;
import io.larder.spi.Clock;
import io.larder.spi.ComputeFunction;
import io.larder.spi.EngineStats;
import io.larder.spi.Entry;
import io.larder.spi.EntryReader;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import java.util.List;
import java.util.Set;

/**
 * Forwards the abstract operations to an engine; every derived operation runs the SPI's default
 * over this class's {@link #compute}, so a mutant that bends {@code compute} bends them all.
 */
class ForwardingEngine implements StorageEngine {

    final StorageEngine delegate;

    ForwardingEngine(StorageEngine delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return "mutant-of-" + delegate.name();
    }

    @Override
    public Set<Capability> capabilities() {
        return delegate.capabilities();
    }

    @Override
    public Clock clock() {
        return delegate.clock();
    }

    @Override
    public long invalidateTag(String tag, InvalidationMode mode) {
        return delegate.invalidateTag(tag, mode);
    }

    @Override
    public long maxValueSize() {
        return delegate.maxValueSize();
    }

    @Override
    public <R> R read(Key key, EntryReader<R> reader) {
        return delegate.read(key, reader);
    }

    @Override
    public Entry compute(Key key, ComputeFunction function) {
        return delegate.compute(key, function);
    }

    @Override
    public int invalidate(byte[] primary) {
        return delegate.invalidate(primary);
    }

    @Override
    public List<Variant> variants(byte[] primary) {
        return delegate.variants(primary);
    }

    @Override
    public void clear() {
        delegate.clear();
    }

    @Override
    public EngineStats stats() {
        return delegate.stats();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
