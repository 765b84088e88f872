package io.flowersim.strategy;

import io.flowersim.client.ClientResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import java.util.ArrayList;
import java.util.List;

/**
 * Flower's DifferentialPrivacyServerSideAdaptiveClipping (Andrew et al.): as server-side fixed
 * clipping, but the norm adapts ({@link AdaptiveClippingNorm}). In Flower's order: each update is
 * clipped to the current norm, counting those left unclipped; the norm takes its geometric step
 * from the noised count; the wrapped strategy aggregates; the noise is drawn at the new norm with
 * the lowered noise multiplier. Reports {@value #UNCLIPPED_FRACTION}, the noised fraction the
 * step used, besides the noise and the norm the round clipped to.
 */
public final class DifferentialPrivacyServerSideAdaptiveClipping
    extends AdaptiveClippingWrapper {

  /** The fit metric of the noised fraction of unclipped updates. */
  public static final String UNCLIPPED_FRACTION = "dp_unclipped_fraction";

  /**
   * @param clippedCountStddev null for the default, numSampledClients / 20 (0 without noise)
   */
  public DifferentialPrivacyServerSideAdaptiveClipping(Strategy strategy, double noiseMultiplier,
      int numSampledClients, double initialClippingNorm, double targetClippedQuantile,
      double clipNormLearningRate, Double clippedCountStddev, long seed) {
    super(strategy, noiseMultiplier, numSampledClients, initialClippingNorm,
        targetClippedQuantile, clipNormLearningRate, clippedCountStddev, seed);
  }

  @Override
  protected FitAggregate aggregateWithPrivacy(int round, RoundResults<FitResult> results) {
    Parameters global = currentRoundParameters();
    double clippedTo = clipping.norm();
    int unclipped = 0;
    List<ClientResult<FitResult>> clipped = new ArrayList<>(results.results().size());
    for (ClientResult<FitResult> r : results.results()) {
      Parameters update = r.result().parameters();
      if (Aggregation.unclipped(update, global, clippedTo)) {
        unclipped++;
      }
      clipped.add(new ClientResult<>(r.clientId(), new FitResult(
          Aggregation.clipUpdate(update, global, clippedTo), r.result().numExamples(),
          r.result().metrics())));
    }
    double fraction = clipping.update(unclipped, clipped.size(), random());
    FitAggregate aggregate = strategy.aggregateFit(round,
        new RoundResults<>(clipped, results.failures()));
    return noisedAtNewNorm(aggregate, fraction, clippedTo);
  }

  /** Clips each update before the wrapped strategy sees it, so it needs every one. */
  @Override
  public boolean aggregatesMeanOfUpdates() {
    return false;
  }
}
