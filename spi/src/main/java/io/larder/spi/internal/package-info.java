/**
 * Helpers the project's engines share, such as {@link io.larder.spi.internal.BackgroundTask}. Not
 * part of the contract: they may change in any release without notice, so applications and
 * third-party engines should not depend on them.
 */
package io.larder.spi.internal;
