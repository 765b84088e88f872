package io.flowersim.strategy;

import static io.flowersim.api.v1alpha1.spec.StrategyOption.NUM_MALICIOUS_CLIENTS;

import io.flowersim.api.v1alpha1.spec.StrategyArguments;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.client.Parameters;
import java.util.List;

/**
 * Flower's Bulyan (El Mhamdi et al., 2018) with Krum as its first rule, the only one Flower
 * supports: Krum picks n - 2f updates one at a time, then each coordinate is the mean of the
 * n - 4f picked values nearest their median. A round needs n >= 4f + 3 updates; with fewer,
 * aggregateFit throws, as Flower's does. Default: Flower's, from
 * {@link StrategyName#BULYAN}.
 */
public class Bulyan extends UpdateAggregatingStrategy {

  protected final int numMaliciousClients;

  protected Bulyan(Builder b) {
    super(b);
    this.numMaliciousClients = NUM_MALICIOUS_CLIENTS.require(b.numMaliciousClients);
  }

  public static Builder builder() {
    return new Builder();
  }


  @Override
  protected Parameters aggregateUpdates(int round, List<Aggregation.Weighted> updates) {
    return Aggregation.bulyan(updates, numMaliciousClients);
  }

  @Override
  protected String knobs() {
    return super.knobs() + ", numMaliciousClients=" + numMaliciousClients;
  }

  /** FedAvg's arguments plus numMaliciousClients, with Flower's default. */
  public static final class Builder extends SamplingStrategy.Builder<Builder> {
    int numMaliciousClients =
        StrategyName.BULYAN.defaultOf(NUM_MALICIOUS_CLIENTS).intValue();

    public Builder numMaliciousClients(int v) {
      numMaliciousClients = v;
      return this;
    }

    @Override
    protected Builder arguments(StrategyArguments arguments) {
      return numMaliciousClients(arguments.wholeNumber(NUM_MALICIOUS_CLIENTS));
    }

    @Override
    public Bulyan build() {
      return new Bulyan(this);
    }
  }
}
