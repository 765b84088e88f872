package io.flowersim.strategy;

import io.flowersim.api.v1alpha1.spec.StrategyOption;

/**
 * Multi-Krum: Flower's Krum with numClientsToKeep set, under its own name so that a simulation
 * says which it runs. numClientsToKeep (at least 1) is required.
 */
public class MultiKrum extends Krum {

  protected MultiKrum(Builder b) {
    super(b);
    StrategyOption.NUM_CLIENTS_TO_KEEP.require(numClientsToKeep);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Krum's arguments; numClientsToKeep is required. */
  public static final class Builder extends Krum.Builder<Builder> {
    @Override
    public MultiKrum build() {
      return new MultiKrum(this);
    }
  }
}
