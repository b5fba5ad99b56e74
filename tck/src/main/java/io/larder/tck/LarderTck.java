package io.larder.tck;

/**
 * The whole kit in one interface. An engine runs it with one test class:
 *
 * <pre>{@code
 * class MyEngineTckTest implements LarderTck {
 *     public TckEngineFactory factory() {
 *         return new MyEngineTckFactory();
 *     }
 * }
 * }</pre>
 *
 * Suites that need a capability the engine does not declare are skipped.
 */
public interface LarderTck extends OperationsTck, ModelTck, ConcurrencyTck, CapacityTck, ExpiryTck, BadInputTck,
        PersistenceTck, OrderingTck, LifecycleTck, PressureTck, LeaseTck, StaleTck, TagTck, HitStatsTck {
}
