package io.flowersim.strategy;

import static io.flowersim.api.v1alpha1.spec.StrategyOption.NUM_CLIENTS_TO_KEEP;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.NUM_MALICIOUS_CLIENTS;

import io.flowersim.api.v1alpha1.spec.StrategyArguments;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.client.Parameters;
import java.util.List;

/**
 * Flower's Krum (Blanchard et al., 2017): the update whose summed squared distance to its
 * n - f - 2 nearest others is smallest, f being numMaliciousClients. As in Flower, a positive
 * numClientsToKeep makes it Multi-Krum: the example-weighted mean of that many best-scored updates.
 * Defaults: Flower's, numMaliciousClients from {@link StrategyName#KRUM}, numClientsToKeep 0.
 */
public class Krum extends UpdateAggregatingStrategy {

  protected final int numMaliciousClients;
  protected final int numClientsToKeep;

  protected Krum(Builder<?> b) {
    super(b);
    this.numMaliciousClients = NUM_MALICIOUS_CLIENTS.require(b.numMaliciousClients);
    // Flower's Krum takes 0 (plain Krum); spec.strategy sets it only for MultiKrum, at least 1.
    if (b.numClientsToKeep < 0) {
      throw new IllegalArgumentException("numClientsToKeep must be >= 0, got "
          + b.numClientsToKeep);
    }
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
    int numMaliciousClients =
        StrategyName.KRUM.defaultOf(NUM_MALICIOUS_CLIENTS).intValue();
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
    protected B arguments(StrategyArguments arguments) {
      numMaliciousClients(arguments.wholeNumber(NUM_MALICIOUS_CLIENTS));
      if (arguments.has(NUM_CLIENTS_TO_KEEP)) {
        numClientsToKeep(arguments.wholeNumber(NUM_CLIENTS_TO_KEEP));
      }
      return (B) this;
    }

    @Override
    public Krum build() {
      return new Krum(this);
    }
  }
}
