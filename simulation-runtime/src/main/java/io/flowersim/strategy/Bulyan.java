package io.flowersim.strategy;

import io.flowersim.client.Parameters;
import java.util.List;

/**
 * Flower's Bulyan (El Mhamdi et al., 2018) with Krum as its first rule, the only one Flower
 * supports: Krum picks n - 2f updates one at a time, then each coordinate is the mean of the
 * n - 4f picked values nearest their median. A round needs n >= 4f + 3 updates; with fewer,
 * aggregateFit throws, as Flower's does. Default numMaliciousClients 0.
 */
public class Bulyan extends UpdateAggregatingStrategy {

  protected final int numMaliciousClients;

  protected Bulyan(Builder b) {
    super(b);
    if (b.numMaliciousClients < 0) {
      throw new IllegalArgumentException("numMaliciousClients must be >= 0, got "
          + b.numMaliciousClients);
    }
    this.numMaliciousClients = b.numMaliciousClients;
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
    int numMaliciousClients = 0;

    public Builder numMaliciousClients(int v) {
      numMaliciousClients = v;
      return this;
    }

    @Override
    public Bulyan build() {
      return new Bulyan(this);
    }
  }
}
