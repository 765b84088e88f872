package io.flowersim.strategy;

import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientResult;
import io.flowersim.client.ConfigKeys;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Flower's DifferentialPrivacyClientSideAdaptiveClipping (Andrew et al.): every fit config
 * carries the current {@value ConfigKeys#CLIPPING_NORM} and asks for
 * {@value ConfigKeys#NORM_BIT}; each client clips its own update and reports whether it was left
 * unclipped ({@link io.flowersim.client.ClippingClient}, Flower's adaptiveclipping_mod). In
 * Flower's order the wrapped strategy aggregates, the norm takes its geometric step from the
 * noised count of norm bits ({@link AdaptiveClippingNorm}), and the noise is drawn at the new
 * norm. A result without the norm bit fails the round's aggregation, naming the client.
 */
public final class DifferentialPrivacyClientSideAdaptiveClipping
    extends AdaptiveClippingWrapper {

  /**
   * @param clippedCountStddev null for the default, numSampledClients / 20 (0 without noise)
   */
  public DifferentialPrivacyClientSideAdaptiveClipping(Strategy strategy, double noiseMultiplier,
      int numSampledClients, double initialClippingNorm, double targetClippedQuantile,
      double clipNormLearningRate, Double clippedCountStddev, long seed) {
    super(strategy, noiseMultiplier, numSampledClients, initialClippingNorm,
        targetClippedQuantile, clipNormLearningRate, clippedCountStddev, seed);
  }

  @Override
  public List<ClientInstruction> configureFit(int round, Parameters parameters,
      ClientManager clients) {
    double norm = clipping.norm();
    return super.configureFit(round, parameters, clients).stream()
        .map(i -> new ClientInstruction(i.clientId(), i.config()
            .with(ConfigKeys.CLIPPING_NORM, norm).with(ConfigKeys.REPORT_NORM_BIT, true)))
        .toList();
  }

  @Override
  protected FitAggregate aggregateWithPrivacy(int round, RoundResults<FitResult> results) {
    int unclipped = 0;
    for (ClientResult<FitResult> r : results.results()) {
      Double bit = r.result().metrics().get(ConfigKeys.NORM_BIT);
      if (bit == null) {
        throw new IllegalArgumentException("client-side adaptive clipping needs every client's "
            + "fit metric " + ConfigKeys.NORM_BIT + "; client " + r.clientId() + " reported none");
      }
      if (bit != 0) {
        unclipped++;
      }
    }
    double clippedTo = clipping.norm();
    FitAggregate aggregate = strategy.aggregateFit(round, results);
    double fraction = clipping.update(unclipped, results.results().size(), random());
    FitAggregate noisy = noisedAtNewNorm(aggregate, fraction, clippedTo);
    // The mean of the norm bits would tell the count before its noise.
    Map<String, Double> metrics = new HashMap<>(noisy.metrics());
    metrics.remove(ConfigKeys.NORM_BIT);
    return new FitAggregate(noisy.parameters(), metrics);
  }

  @Override
  public boolean aggregatesMeanOfUpdates() {
    return strategy.aggregatesMeanOfUpdates();
  }
}
