package io.flowersim.strategy;

import io.flowersim.api.v1alpha1.spec.StrategyArguments;
import io.flowersim.api.v1alpha1.spec.StrategyOption;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ConfigKeys;
import io.flowersim.client.Parameters;
import java.util.List;

/**
 * Flower's FedProx: FedAvg on the server; every client's fit config carries
 * {@value ConfigKeys#PROXIMAL_MU}, the weight mu of the proximal term (mu/2)||w - w_global||^2 that the
 * client adds to its loss (the built-in synthetic task does). Overrides only configureFit.
 */
public class FedProx extends FedAvg {

  protected final double proximalMu;

  protected FedProx(Builder b) {
    super(b);
    if (Double.isNaN(b.proximalMu)) {
      throw new IllegalArgumentException("proximalMu is required (FedProx has no default)");
    }
    this.proximalMu = StrategyOption.PROXIMAL_MU.require(b.proximalMu);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public List<ClientInstruction> configureFit(int round, Parameters parameters,
      ClientManager clients) {
    return super.configureFit(round, parameters, clients).stream()
        .map(i -> new ClientInstruction(i.clientId(), i.config().with(ConfigKeys.PROXIMAL_MU, proximalMu)))
        .toList();
  }

  @Override
  protected String knobs() {
    return super.knobs() + ", proximalMu=" + proximalMu;
  }

  /** FedAvg's arguments plus proximalMu, which Flower requires (no default). */
  public static final class Builder extends FedAvg.Builder<Builder> {
    double proximalMu = Double.NaN;

    public Builder proximalMu(double v) {
      proximalMu = v;
      return this;
    }

    @Override
    protected Builder arguments(StrategyArguments arguments) {
      return proximalMu(arguments.number(StrategyOption.PROXIMAL_MU));
    }

    @Override
    public FedProx build() {
      return new FedProx(this);
    }
  }
}
