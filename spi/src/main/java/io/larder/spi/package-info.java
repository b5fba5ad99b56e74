/**
 * Larder's storage contract as a Java API: keys and variants ({@link io.larder.spi.Key},
 * {@link io.larder.spi.Variant}), entries and their expiry ({@link io.larder.spi.Entry},
 * {@link io.larder.spi.Expiry}), the operations every engine offers
 * ({@link io.larder.spi.StorageEngine}), its figures ({@link io.larder.spi.EngineStats}), and
 * configuration and discovery of engines by name ({@link io.larder.spi.Larder},
 * {@link io.larder.spi.EngineConfig}, {@link io.larder.spi.EngineProvider}).
 *
 * <p>The contract in full, with every operation's outcomes, the limits, how versions stay unique
 * across restarts (and how to make ETags unique across nodes), expiry, eviction, bad input,
 * persistence and crash promises, capabilities, configuration and stats, is the page
 * {@code docs/storage-contract.md} in the project's repository. The compatibility kit
 * ({@code larder-tck}) checks an engine against it.
 *
 * <p>This package has no dependencies and needs no JVM flags.
 */
package io.larder.spi;
