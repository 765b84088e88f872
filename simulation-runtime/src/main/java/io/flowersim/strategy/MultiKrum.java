package io.flowersim.strategy;

/**
 * Multi-Krum: Flower's Krum with numClientsToKeep set, under its own name so that a simulation
 * says which it runs. numClientsToKeep (at least 1) is required.
 */
public class MultiKrum extends Krum {

  protected MultiKrum(Builder b) {
    super(b);
    if (numClientsToKeep < 1) {
      throw new IllegalArgumentException("MultiKrum needs numClientsToKeep >= 1, got "
          + numClientsToKeep);
    }
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
