package io.flowersim.strategy;

import java.util.random.RandomGenerator;

/**
 * The clipping norm of adaptive clipping (Andrew et al. 2021, "Differentially Private Learning
 * with Adaptive Clipping"; Flower's DifferentialPrivacyAdaptiveBase): after each round it moves
 * geometrically towards the norm that leaves {@code targetQuantile} of the updates unclipped,
 * judged by the count of unclipped updates plus N(0, countStddev^2) noise, so the count is
 * private too. That noise costs privacy, so the updates' noise multiplier is lowered to keep the
 * total at the one asked for ({@link Aggregation#adaptiveNoiseParameters}).
 */
final class AdaptiveClippingNorm {

  private final double targetQuantile;
  private final double learningRate;
  private final double countStddev;
  private final double updatesNoiseMultiplier;
  private double norm;

  /**
   * @param clippedCountStddev null for Andrew et al.'s default, numSampledClients / 20 (0 without
   *     noise)
   */
  AdaptiveClippingNorm(double noiseMultiplier, int numSampledClients, double initialNorm,
      double targetQuantile, double learningRate, Double clippedCountStddev) {
    if (!(initialNorm > 0 && Double.isFinite(initialNorm))) {
      throw new IllegalArgumentException("the initial clippingNorm must be > 0, got "
          + initialNorm);
    }
    if (!(targetQuantile >= 0 && targetQuantile <= 1)) {
      throw new IllegalArgumentException("targetClippedQuantile must be in [0, 1], got "
          + targetQuantile);
    }
    if (!(learningRate > 0 && Double.isFinite(learningRate))) {
      throw new IllegalArgumentException("clipNormLearningRate must be > 0, got " + learningRate);
    }
    if (clippedCountStddev != null
        && !(clippedCountStddev >= 0 && Double.isFinite(clippedCountStddev))) {
      throw new IllegalArgumentException("clippedCountStddev must be >= 0, got "
          + clippedCountStddev);
    }
    double[] noise = Aggregation.adaptiveNoiseParameters(noiseMultiplier, numSampledClients,
        clippedCountStddev);
    this.countStddev = noise[0];
    this.updatesNoiseMultiplier = noise[1];
    this.norm = initialNorm;
    this.targetQuantile = targetQuantile;
    this.learningRate = learningRate;
  }

  /** The norm the next updates are clipped to. */
  double norm() {
    return norm;
  }

  void restore(double norm) {
    this.norm = norm;
  }

  /** The noise multiplier of the aggregate's noise, lowered for the count's. */
  double updatesNoiseMultiplier() {
    return updatesNoiseMultiplier;
  }

  double countStddev() {
    return countStddev;
  }

  /**
   * Flower's order: the noised fraction of {@code unclipped} among {@code total} updates, then
   * the geometric step. Returns the noised fraction.
   */
  double update(int unclipped, int total, RandomGenerator random) {
    double noisedFraction = (unclipped + countStddev * random.nextGaussian()) / total;
    norm = Aggregation.geometricClipNormUpdate(norm, noisedFraction, targetQuantile,
        learningRate);
    return noisedFraction;
  }

  @Override
  public String toString() {
    return "clippingNorm=" + norm + ", targetClippedQuantile=" + targetQuantile
        + ", clipNormLearningRate=" + learningRate + ", clippedCountStddev=" + countStddev
        + ", noiseMultiplier of the updates=" + updatesNoiseMultiplier;
  }
}
