package io.flowersim.strategy;

import java.util.HashMap;
import java.util.Map;

/**
 * What Flower's two adaptive-clipping wrappers share, wherever the clipping happens: the norm
 * ({@link AdaptiveClippingNorm}) kept between rounds and in checkpoints, and the noise drawn at
 * the norm after its step, with the lowered noise multiplier, reporting
 * {@value DifferentialPrivacyServerSideAdaptiveClipping#UNCLIPPED_FRACTION}.
 */
abstract class AdaptiveClippingWrapper extends DifferentialPrivacyWrapper {

  protected final AdaptiveClippingNorm clipping;

  /**
   * @param clippedCountStddev null for the default, numSampledClients / 20 (0 without noise)
   */
  AdaptiveClippingWrapper(Strategy strategy, double noiseMultiplier, int numSampledClients,
      double initialClippingNorm, double targetClippedQuantile, double clipNormLearningRate,
      Double clippedCountStddev, long seed) {
    super(strategy, noiseMultiplier, numSampledClients, seed);
    this.clipping = new AdaptiveClippingNorm(noiseMultiplier, numSampledClients,
        initialClippingNorm, targetClippedQuantile, clipNormLearningRate, clippedCountStddev);
  }

  /** The norm the next round clips to. */
  public final double clippingNorm() {
    return clipping.norm();
  }

  /**
   * {@code aggregate} (of updates clipped to {@code clippedTo}) noised at the norm after its step,
   * with the noised {@code fraction} of unclipped updates the step used.
   */
  protected final FitAggregate noisedAtNewNorm(FitAggregate aggregate, double fraction,
      double clippedTo) {
    FitAggregate noisy = noised(aggregate, clipping.updatesNoiseMultiplier(), clipping.norm(),
        clippedTo);
    Map<String, Double> metrics = new HashMap<>(noisy.metrics());
    metrics.put(DifferentialPrivacyServerSideAdaptiveClipping.UNCLIPPED_FRACTION, fraction);
    return new FitAggregate(noisy.parameters(), metrics);
  }

  @Override
  protected final StrategyState saveOwnState(StrategyState state) {
    return state.put("clippingNorm", clipping.norm());
  }

  @Override
  protected final void restoreOwnState(StrategyState state) {
    clipping.restore(state.doubleValue("clippingNorm"));
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + clipping + ", numSampledClients="
        + numSampledClients + ") of " + strategy;
  }
}
