package io.flowersim.api.v1alpha1.validation;

import io.flowersim.api.v1alpha1.spec.StrategySpec;
import java.util.OptionalInt;

/**
 * How many clients a round samples, as Flower's FedAvg computes it (num_fit_clients,
 * num_evaluation_clients): max(int(count * fraction), minimum), with the runtime's defaults
 * (fraction 1, minimum min(2, count)). Empty when those fields are themselves invalid: their own
 * rules report them.
 */
final class RoundSample {

  /**
   * The most clients one round may sample: each is an instruction, a result and, for robust
   * strategies, a whole update held during the round, in lists sized by int.
   */
  static final int MAX_CLIENTS_PER_ROUND = 1 << 24;

  private RoundSample() {}

  static OptionalInt fit(StrategySpec strategy, Integer count) {
    return size(strategy.fractionFit, strategy.minFitClients, count);
  }

  static OptionalInt evaluate(StrategySpec strategy, Integer count) {
    return size(strategy.fractionEvaluate, strategy.minEvaluateClients, count);
  }

  private static OptionalInt size(Double fractionField, Integer minimumField, Integer count) {
    double fraction = fractionField == null ? 1.0 : fractionField;
    if (count == null || !(fraction > 0 && fraction <= 1)
        || (minimumField != null && (minimumField < 1 || minimumField > count))) {
      return OptionalInt.empty();
    }
    int minimum = minimumField == null ? Math.min(2, count) : minimumField;
    return OptionalInt.of(Math.max((int) (count * fraction), minimum));
  }
}
