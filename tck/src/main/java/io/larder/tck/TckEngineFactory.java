package io.larder.tck;

import io.larder.spi.StorageEngine;

/**
 * The one thing an engine writes to run the kit: how to open it for a {@link TckSetup}.
 *
 * <p>Each call opens an engine; opening again with a setup of the same {@link TckSetup#directory()}
 * is a reopen, which a {@link io.larder.spi.Capability#PERSISTENT persistent} engine must answer with
 * the entries it held. Engines that need no directory ignore it. Use the engine's durable mode: the
 * crash suite checks that acknowledged writes survive {@code kill -9}.
 *
 * <p>Implementations need a public no-argument constructor: the crash suite and the close race open
 * the engine in a child JVM by class name. {@link TckSetup#options()} (or, for an engine that keeps
 * files, {@link TckSetup#optionsWithPath()}) gives the options to open it with.
 */
@FunctionalInterface
public interface TckEngineFactory {

    /** Opens an engine as the setup says, reading time from its clock. */
    StorageEngine open(TckSetup setup);
}
