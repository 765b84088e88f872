package io.flowersim.api.v1alpha1.validation;

import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.api.v1alpha1.spec.StrategySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the clients a round samples (n) let Krum, Multi-Krum and Bulyan tolerate
 * numMaliciousClients (f). A round never has more updates than it samples, so below the bound the
 * guarantee is gone every round (Bulyan: Flower raises; Krum: Flower silently scores against
 * fewer neighbours).
 *
 * <ul>
 *   <li>Krum and Multi-Krum: n >= 2f + 3 (Blanchard et al.; Flower scores each update against
 *       its n - f - 2 nearest).
 *   <li>Multi-Krum also: numClientsToKeep <= n - f (the paper's m <= n - f).
 *   <li>Bulyan: n >= 4f + 3 (El Mhamdi et al.; Flower's assertion).
 * </ul>
 */
final class RobustAggregationBounds {

  private RobustAggregationBounds() {}

  static List<ValidationError> check(String path, StrategyName name, StrategySpec strategy,
      int sampled) {
    List<ValidationError> errors = new ArrayList<>();
    long f = strategy.numMaliciousClients;
    long needed = name == StrategyName.BULYAN ? 4 * f + 3 : 2 * f + 3;
    String formula = name == StrategyName.BULYAN ? "4" : "2";
    if (sampled < needed) {
      errors.add(new ValidationError(path + ".numMaliciousClients", name.jsonName()
          + " needs at least " + formula + " * numMaliciousClients + 3 = " + needed
          + " clients per round, but a round samples " + sampled
          + " (max(int(spec.clients.count * fractionFit), minFitClients)), got " + f));
    } else if (name == StrategyName.MULTI_KRUM && strategy.numClientsToKeep != null
        && strategy.numClientsToKeep > sampled - f) {
      errors.add(new ValidationError(path + ".numClientsToKeep", "must be at most the clients a "
          + "round samples minus numMaliciousClients (" + sampled + " - " + f + " = "
          + (sampled - f) + "), got " + strategy.numClientsToKeep));
    }
    return errors;
  }
}
