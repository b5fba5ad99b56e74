/**
 * Binds Larder's figures to Micrometer: {@link io.larder.metrics.micrometer.LarderMeterBinder}.
 * Micrometer is an optional dependency of this module: add {@code io.micrometer:micrometer-core}
 * yourself to use this package; nothing else in Larder needs it.
 */
package io.larder.metrics.micrometer;
