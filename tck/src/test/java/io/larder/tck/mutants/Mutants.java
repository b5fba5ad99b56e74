package io.larder.tck.mutants;

import io.larder.spi.ComputeAction;
import io.larder.spi.ComputeFunction;
import io.larder.spi.Entry;
import io.larder.spi.EntryReader;
import io.larder.spi.EntryView;
import io.larder.spi.Expiry;
import io.larder.spi.InvalidationMode;
import io.larder.spi.Key;
import io.larder.spi.LeaseOptions;
import io.larder.spi.Lookup;
import io.larder.spi.Outcome;
import io.larder.spi.StorageEngine;
import io.larder.spi.Variant;
import io.larder.spi.WriteOptions;
import io.larder.tck.TckEngineFactory;
import io.larder.tck.TckSetup;
import io.larder.tck.heap.HeapTckFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Deliberately broken engines: wrappers around the reference engine, each with one classic bug. */
final class Mutants {

    private Mutants() {
    }

    /** Stores every entry as never expiring and ignores touch. */
    public static final class IgnoresExpiry implements TckEngineFactory {
        @Override
        public StorageEngine open(TckSetup setup) {
            return new ForwardingEngine(new HeapTckFactory().open(setup)) {
                @Override
                public Entry compute(Key key, ComputeFunction function) {
                    return delegate.compute(key, cur -> {
                        ComputeAction action = function.apply(cur);
                        if (action != null && action.kind() == ComputeAction.Kind.STORE) {
                            return ComputeAction.store(action.value(), Expiry.never(), action.flags());
                        }
                        return action != null && action.kind() == ComputeAction.Kind.TOUCH ? ComputeAction.keep()
                                : action;
                    });
                }
            };
        }
    }

    /** Hands out versions from a small cycle, so they repeat. */
    public static final class ReusesVersions implements TckEngineFactory {
        static long fake(long version) {
            return (version - 1) % 4 + 1;
        }

        static Entry fake(Entry e) {
            return e == null ? null : new Entry(e.value(), fake(e.version()), e.expiresAt(), e.flags(), e.storedAt());
        }

        @Override
        public StorageEngine open(TckSetup setup) {
            return new ForwardingEngine(new HeapTckFactory().open(setup)) {
                @Override
                public Entry compute(Key key, ComputeFunction function) {
                    return fake(delegate.compute(key, cur -> function.apply(fake(cur))));
                }

                @Override
                public <R> R read(Key key, EntryReader<R> reader) {
                    return delegate.read(key, view -> reader.read(new EntryView() {
                        @Override
                        public ByteBuffer value() {
                            return view.value();
                        }

                        @Override
                        public int valueLength() {
                            return view.valueLength();
                        }

                        @Override
                        public long version() {
                            return fake(view.version());
                        }

                        @Override
                        public long expiresAt() {
                            return view.expiresAt();
                        }

                        @Override
                        public int flags() {
                            return view.flags();
                        }

                        @Override
                        public long storedAt() {
                            return view.storedAt();
                        }
                    }));
                }
            };
        }
    }

    /** CAS as check-then-act with no lock between the check and the write. */
    public static final class UnlockedCas implements TckEngineFactory {
        @Override
        public StorageEngine open(TckSetup setup) {
            return new ForwardingEngine(new HeapTckFactory().open(setup)) {
                @Override
                public Outcome compareAndSet(Key key, long expectedVersion, ByteBuffer value, Expiry expiry,
                        int flags) {
                    Entry current = get(key);
                    if (current == null) {
                        return Outcome.notFound();
                    }
                    if (current.version() != expectedVersion) {
                        return Outcome.exists(current.version());
                    }
                    Thread.yield();
                    return Outcome.stored(set(key, value, expiry, flags));
                }
            };
        }
    }

    /** Touch rewrites the entry, giving it a new version. */
    public static final class NewVersionOnTouch implements TckEngineFactory {
        @Override
        public StorageEngine open(TckSetup setup) {
            return new ForwardingEngine(new HeapTckFactory().open(setup)) {
                @Override
                public Entry compute(Key key, ComputeFunction function) {
                    return delegate.compute(key, cur -> {
                        ComputeAction action = function.apply(cur);
                        if (action != null && action.kind() == ComputeAction.Kind.TOUCH && cur != null) {
                            return ComputeAction.store(cur.value(), action.expiry(), cur.flags());
                        }
                        return action;
                    });
                }
            };
        }
    }

    /** Invalidate leaves one variant behind when a primary has several. */
    public static final class InvalidateMissesAVariant implements TckEngineFactory {
        @Override
        public StorageEngine open(TckSetup setup) {
            return new ForwardingEngine(new HeapTckFactory().open(setup)) {
                @Override
                public int invalidate(byte[] primary) {
                    List<Variant> variants = delegate.variants(primary);
                    int removed = 0;
                    for (int i = 0; i < variants.size() - (variants.size() > 1 ? 1 : 0); i++) {
                        removed += delegate.delete(Key.of(primary, variants.get(i))).status()
                                == Outcome.Status.DELETED ? 1 : 0;
                    }
                    return removed;
                }
            };
        }
    }

    /** Reports the configured maxValueSize but stores values up to twice that. */
    public static final class AcceptsOversizedValues implements TckEngineFactory {
        @Override
        public StorageEngine open(TckSetup setup) {
            long limit = setup.maxValueSize();
            TckSetup roomier = new TckSetup(setup.clock(), setup.capacity(), 2 * limit, setup.directory(),
                    setup.sweepInterval());
            return new ForwardingEngine(new HeapTckFactory().open(roomier)) {
                @Override
                public long maxValueSize() {
                    return limit;
                }

                @Override
                public long set(Key key, ByteBuffer value, Expiry expiry, int flags) {
                    return delegate.set(key, value, expiry, flags);
                }

                @Override
                public long set(Key key, byte[] value, Expiry expiry, int flags) {
                    return delegate.set(key, value, expiry, flags);
                }
            };
        }
    }

    /** Compute reads, decides and writes in three steps, so concurrent read-modify-writes lose updates. */
    public static final class LosesUpdatesUnderThreads implements TckEngineFactory {
        @Override
        public StorageEngine open(TckSetup setup) {
            return new ForwardingEngine(new HeapTckFactory().open(setup)) {
                @Override
                public Entry compute(Key key, ComputeFunction function) {
                    ComputeAction action = function.apply(delegate.read(key, Entry::copyOf));
                    Thread.yield();
                    return delegate.compute(key, ignored -> action);
                }
            };
        }
    }

    /** Reads the first half of a value and the rest in a second step, so a write in between tears it. */
    public static final class TornRead implements TckEngineFactory {
        @Override
        public StorageEngine open(TckSetup setup) {
            return new ForwardingEngine(new HeapTckFactory().open(setup)) {
                @Override
                public <R> R read(Key key, EntryReader<R> reader) {
                    Entry first = delegate.read(key, Entry::copyOf);
                    Thread.yield();
                    Entry second = delegate.read(key, Entry::copyOf);
                    if (first == null || second == null) {
                        return second == null ? null : reader.read(view(second));
                    }
                    byte[] value = second.value();
                    int half = Math.min(first.value().length, value.length) / 2;
                    System.arraycopy(first.value(), 0, value, 0, half);
                    return reader.read(view(new Entry(value, second.version(), second.expiresAt(), second.flags(),
                            second.storedAt())));
                }
            };
        }
    }

    /**
     * Close frees the stored bytes at once instead of waiting for reads in progress: a read under way
     * sees freed (scribbled) memory.
     */
    public static final class FreesMemoryUnderReaders implements TckEngineFactory {
        @Override
        public StorageEngine open(TckSetup setup) {
            return new ForwardingEngine(new HeapTckFactory().open(setup)) {
                private volatile boolean freed;

                @Override
                public <R> R read(Key key, EntryReader<R> reader) {
                    Entry entry = delegate.read(key, Entry::copyOf);
                    if (entry == null) {
                        return null;
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                    if (freed) {
                        byte[] scribbled = entry.value();
                        for (int i = 0; i < scribbled.length; i++) {
                            scribbled[i] = (byte) (i * 7);
                        }
                    }
                    return reader.read(view(entry));
                }

                @Override
                public void close() {
                    freed = true;
                    delegate.close();
                }
            };
        }
    }

    /**
     * Lease-aware lookup checks for a placeholder with a plain read, which never sees one: every
     * caller of a missing key wins a lease.
     */
    public static final class TwoLeaseWinners implements TckEngineFactory {
        @Override
        public StorageEngine open(TckSetup setup) {
            return new ForwardingEngine(new HeapTckFactory().open(setup)) {
                @Override
                public Lookup lookup(Key key, LeaseOptions options) {
                    if (options.vivifyOnMiss() && get(key) == null) {
                        Entry placeholder = compute(key, cur -> ComputeAction.placeholder(options.leaseMillis()));
                        return Lookup.won(placeholder.version(), null);
                    }
                    return super.lookup(key, options);
                }
            };
        }
    }

    /** Reads find lease placeholders too, as empty values. */
    public static final class PlaceholderVisibleToReads implements TckEngineFactory {
        @Override
        public StorageEngine open(TckSetup setup) {
            return new ForwardingEngine(new HeapTckFactory().open(setup)) {
                @Override
                public <R> R read(Key key, EntryReader<R> reader) {
                    R found = delegate.read(key, reader);
                    if (found != null) {
                        return found;
                    }
                    Entry current = delegate.compute(key, cur -> ComputeAction.keep());
                    return current != null && current.placeholder() ? reader.read(view(current)) : null;
                }
            };
        }
    }

    /**
     * markStale does not move the version compare-and-set checks: a stale entry still answers to the
     * version it was stored with, so a rebuild that started before markStale lands.
     */
    public static final class AcceptsStaleCasToken implements TckEngineFactory {
        @Override
        public StorageEngine open(TckSetup setup) {
            return new ForwardingEngine(new HeapTckFactory().open(setup)) {
                private final Map<Key, Long> storedVersions = new ConcurrentHashMap<>();

                @Override
                public Entry compute(Key key, ComputeFunction function) {
                    ComputeAction.Kind[] kind = new ComputeAction.Kind[1];
                    Entry after = delegate.compute(key, cur -> {
                        Long stored = storedVersions.get(key);
                        Entry seen = cur != null && cur.stale() && stored != null ? new Entry(cur.value(), stored,
                                cur.expiresAt(), cur.flags(), cur.storedAt(), cur.tags(), cur.stale(),
                                cur.placeholder(), cur.leased(), cur.hits(), cur.lastAccess()) : cur;
                        ComputeAction action = function.apply(seen);
                        kind[0] = action == null ? null : action.kind();
                        return action;
                    });
                    if (kind[0] == ComputeAction.Kind.STORE && after != null) {
                        storedVersions.put(key, after.version());
                    }
                    return after;
                }
            };
        }
    }

    /**
     * A tag invalidation takes as its watermark the last version handed out instead of a new one, so
     * the newest entry carrying the tag (the version at the mark) survives it.
     */
    public static final class TagInvalidationMissesTheNewest implements TckEngineFactory {
        @Override
        public StorageEngine open(TckSetup setup) {
            return new ForwardingEngine(new HeapTckFactory().open(setup)) {
                private final Map<String, Key> newest = new ConcurrentHashMap<>();

                @Override
                public synchronized Entry compute(Key key, ComputeFunction function) {
                    Entry after = delegate.compute(key, function);
                    if (after != null && !after.placeholder()) {
                        after.tags().forEach(tag -> newest.put(tag, key));
                    }
                    return after;
                }

                @Override
                public synchronized long invalidateTag(String tag, InvalidationMode mode) {
                    Key key = newest.get(tag);
                    Entry survivor = key == null ? null : delegate.compute(key, cur -> ComputeAction.keep());
                    long mark = delegate.invalidateTag(tag, mode);
                    if (survivor != null && !survivor.placeholder() && survivor.tags().contains(tag)) {
                        delegate.compute(key, cur -> ComputeAction.store(survivor.value(),
                                WriteOptions.expiring(Expiry.ofExpiresAt(survivor.expiresAt()))
                                        .withFlags(survivor.flags()).withTags(survivor.tags())));
                    }
                    return mark;
                }
            };
        }
    }

    /** A compare-and-set with tags ignores the tag guard: a rebuild racing a tag invalidation lands. */
    public static final class IgnoresTagGuard implements TckEngineFactory {
        @Override
        public StorageEngine open(TckSetup setup) {
            return new ForwardingEngine(new HeapTckFactory().open(setup)) {
                @Override
                public Entry compute(Key key, ComputeFunction function) {
                    return delegate.compute(key, cur -> {
                        ComputeAction action = function.apply(cur);
                        if (action != null && action.kind() == ComputeAction.Kind.STORE && action.tagGuard() > 0) {
                            return ComputeAction.store(action.value(), WriteOptions.expiring(action.expiry())
                                    .withFlags(action.flags()).withTags(action.tags()));
                        }
                        return action;
                    });
                }
            };
        }
    }

    /** A view over an entry copy. */
    static EntryView view(Entry e) {
        return new EntryView() {
            @Override
            public ByteBuffer value() {
                return ByteBuffer.wrap(e.value()).asReadOnlyBuffer();
            }

            @Override
            public int valueLength() {
                return e.value().length;
            }

            @Override
            public long version() {
                return e.version();
            }

            @Override
            public long expiresAt() {
                return e.expiresAt();
            }

            @Override
            public int flags() {
                return e.flags();
            }

            @Override
            public long storedAt() {
                return e.storedAt();
            }

            @Override
            public List<String> tags() {
                return e.tags();
            }

            @Override
            public boolean stale() {
                return e.stale();
            }

            @Override
            public boolean leased() {
                return e.leased();
            }

            @Override
            public int hits() {
                return e.hits();
            }

            @Override
            public long lastAccess() {
                return e.lastAccess();
            }
        };
    }
}
