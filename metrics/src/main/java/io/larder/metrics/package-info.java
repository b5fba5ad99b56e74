/**
 * Operation latency figures for any Larder engine: {@link io.larder.metrics.MeteredEngine} wraps an
 * engine and keeps an HdrHistogram per {@link io.larder.metrics.Operation kind of operation}. The
 * engine's own counters are in {@link io.larder.spi.StorageEngine#stats()}; the project's
 * {@code docs/metrics.md} shows how to publish both to Micrometer or Prometheus.
 */
package io.larder.metrics;
