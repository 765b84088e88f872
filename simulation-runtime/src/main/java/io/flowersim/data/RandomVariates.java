package io.flowersim.data;

import java.util.SplittableRandom;

/**
 * Gaussian and Gamma draws from a seeded {@link SplittableRandom}, which (on Java 17) has no
 * nextGaussian; Gamma draws make Dirichlet label proportions.
 */
public final class RandomVariates {

  private RandomVariates() {}

  /** Standard normal, by Box-Muller. */
  public static double gaussian(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Gamma(alpha, 1) by Marsaglia-Tsang, with the alpha &lt; 1 boost. */
  public static double gamma(SplittableRandom random, double alpha) {
    if (alpha < 1) {
      return gamma(random, alpha + 1) * Math.pow(random.nextDouble(), 1.0 / alpha);
    }
    double d = alpha - 1.0 / 3;
    double c = 1.0 / Math.sqrt(9 * d);
    while (true) {
      double x = gaussian(random);
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = random.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }
}
