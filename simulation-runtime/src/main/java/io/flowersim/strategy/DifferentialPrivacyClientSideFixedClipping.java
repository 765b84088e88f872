package io.flowersim.strategy;

import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ConfigKeys;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import java.util.List;

/**
 * Flower's DifferentialPrivacyClientSideFixedClipping: every fit config carries
 * {@value ConfigKeys#CLIPPING_NORM}, each client clips its own update to it before the update
 * leaves it ({@link io.flowersim.client.ClippingClient}, Flower's fixedclipping_mod), and the
 * server only adds the noise to the aggregate. As the server no longer needs each update, an
 * engine may sum them where the clients ran when the wrapped strategy allows it.
 */
public final class DifferentialPrivacyClientSideFixedClipping extends DifferentialPrivacyWrapper {

  private final double noiseMultiplier;
  private final double clippingNorm;

  public DifferentialPrivacyClientSideFixedClipping(Strategy strategy, double noiseMultiplier,
      double clippingNorm, int numSampledClients, long seed) {
    super(strategy, noiseMultiplier, numSampledClients, seed);
    this.noiseMultiplier = noiseMultiplier;
    this.clippingNorm = requireClippingNorm(clippingNorm);
  }

  @Override
  public List<ClientInstruction> configureFit(int round, Parameters parameters,
      ClientManager clients) {
    return super.configureFit(round, parameters, clients).stream()
        .map(i -> new ClientInstruction(i.clientId(),
            i.config().with(ConfigKeys.CLIPPING_NORM, clippingNorm)))
        .toList();
  }

  @Override
  protected FitAggregate aggregateWithPrivacy(int round, RoundResults<FitResult> results) {
    return noised(strategy.aggregateFit(round, results), noiseMultiplier, clippingNorm,
        clippingNorm);
  }

  @Override
  public boolean aggregatesMeanOfUpdates() {
    return strategy.aggregatesMeanOfUpdates();
  }

  @Override
  public String toString() {
    return "DifferentialPrivacyClientSideFixedClipping(noiseMultiplier=" + noiseMultiplier
        + ", clippingNorm=" + clippingNorm + ", numSampledClients=" + numSampledClients + ") of "
        + strategy;
  }
}
