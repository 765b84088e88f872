package io.flowersim.strategy;

import io.flowersim.client.Parameters;
import java.util.List;

/**
 * Flower's Krum (Blanchard et al., 2017): the update whose summed squared distance to its
 * n - f - 2 nearest others is smallest, f being numMaliciousClients. As in Flower, a positive
 * numClientsToKeep makes it Multi-Krum: the example-weighted mean of that many best-scored updates.
 * Defaults: numMaliciousClients 0, numClientsToKeep 0.
 */
public class Krum extends UpdateAggregatingStrategy {

  protected final int numMaliciousClients;
  protected final int numClientsToKeep;

  protected Krum(Builder<?> b) {
    super(b);
    if (b.numMaliciousClients < 0) {
      throw new IllegalArgumentException("numMaliciousClients must be >= 0, got "
          + b.numMaliciousClients);
    }
    if (b.numClientsToKeep < 0) {
      throw new IllegalArgumentException("numClientsToKeep must be >= 0, got "
          + b.numClientsToKeep);
    }
    this.numMaliciousClients = b.numMaliciousClients;
    this.numClientsToKeep = b.numClientsToKeep;
  }

  public static Builder<?> builder() {
    return new Builder<>();
  }


  @Override
  protected Parameters aggregateUpdates(int round, List<Aggregation.Weighted> updates) {
    return Aggregation.krum(updates, numMaliciousClients, numClientsToKeep);
  }

  @Override
  protected String knobs() {
    return super.knobs() + ", numMaliciousClients=" + numMaliciousClients + ", numClientsToKeep="
        + numClientsToKeep;
  }

  /** FedAvg's arguments plus Krum's, with Flower's defaults. */
  @SuppressWarnings("unchecked")
  public static class Builder<B extends Builder<B>> extends SamplingStrategy.Builder<B> {
    int numMaliciousClients = 0;
    int numClientsToKeep = 0;

    public B numMaliciousClients(int v) {
      numMaliciousClients = v;
      return (B) this;
    }

    public B numClientsToKeep(int v) {
      numClientsToKeep = v;
      return (B) this;
    }

    @Override
    public Krum build() {
      return new Krum(this);
    }
  }
}
