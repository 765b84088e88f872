package io.flowersim.strategy;

import io.flowersim.client.ClientResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.RoundResults;
import java.util.List;

/**
 * Flower's DifferentialPrivacyServerSideFixedClipping: central differential privacy around any
 * strategy, by delegation. Before the wrapped strategy aggregates, each client's update (its
 * parameters minus the round's global ones) is clipped to L2 norm {@code clippingNorm}; after, the
 * aggregate gets Gaussian noise with standard deviation
 * noiseMultiplier * clippingNorm / numSampledClients (see {@link DifferentialPrivacyWrapper}).
 */
public final class DifferentialPrivacyServerSideFixedClipping extends DifferentialPrivacyWrapper {

  private final double noiseMultiplier;
  private final double clippingNorm;

  public DifferentialPrivacyServerSideFixedClipping(Strategy strategy, double noiseMultiplier,
      double clippingNorm, int numSampledClients, long seed) {
    super(strategy, noiseMultiplier, numSampledClients, seed);
    this.noiseMultiplier = noiseMultiplier;
    this.clippingNorm = requireClippingNorm(clippingNorm);
  }

  /** The standard deviation of the noise added to each aggregate. */
  public double noiseStddev() {
    return Aggregation.dpNoiseStddev(noiseMultiplier, clippingNorm, numSampledClients);
  }

  @Override
  protected FitAggregate aggregateWithPrivacy(int round, RoundResults<FitResult> results) {
    List<ClientResult<FitResult>> clipped = results.results().stream()
        .map(r -> new ClientResult<>(r.clientId(), new FitResult(
            Aggregation.clipUpdate(r.result().parameters(), currentRoundParameters(),
                clippingNorm), r.result().numExamples(), r.result().metrics())))
        .toList();
    FitAggregate aggregate = strategy.aggregateFit(round,
        new RoundResults<>(clipped, results.failures()));
    return noised(aggregate, noiseMultiplier, clippingNorm, clippingNorm);
  }

  /** Clips each update before the wrapped strategy sees it, so it needs every one. */
  @Override
  public boolean aggregatesMeanOfUpdates() {
    return false;
  }

  @Override
  public String toString() {
    return "DifferentialPrivacyServerSideFixedClipping(noiseMultiplier=" + noiseMultiplier
        + ", clippingNorm=" + clippingNorm + ", numSampledClients=" + numSampledClients + ") of "
        + strategy;
  }
}
