package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flower's strategy: its name, the sampling knobs every strategy has (the FedAvg constructor
 * arguments), the options of the other strategies (which strategy takes which, with what range and
 * default, {@link StrategyName} and {@link StrategyOption} say once), and an optional
 * differential-privacy wrapper.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(StrategySpecSchema.class)
public class StrategySpec {

  public StrategyName name;

  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("Fraction of clients sampled for training each round, in (0, 1]. Default 1.")
  public Double fractionFit;

  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("Fraction of clients sampled for evaluation each round, in (0, 1]. "
      + "Default 1.")
  public Double fractionEvaluate;

  @Min(1)
  @JsonPropertyDescription("At least this many clients train each round (at most clients.count). "
      + "Default 2.")
  public Integer minFitClients;

  @Min(1)
  @JsonPropertyDescription("At least this many clients evaluate each round. Default 2.")
  public Integer minEvaluateClients;

  @Min(1)
  @JsonPropertyDescription("The round waits until this many clients are available. Default 2.")
  public Integer minAvailableClients;

  @JsonPropertyDescription("Aggregate a round although some clients failed. Default true.")
  public Boolean acceptFailures;

  @JsonPropertyDescription("Config sent to every client's fit (Flower's on_fit_config_fn); the server "
      + "adds server_round.")
  public Map<String, String> fitConfig = new LinkedHashMap<>();

  @JsonPropertyDescription("Config sent to every client's evaluate (on_evaluate_config_fn); the server "
      + "adds server_round.")
  public Map<String, String> evaluateConfig = new LinkedHashMap<>();

  // The options of some strategies: their descriptions and bounds in the CRD come from
  // StrategyOption and StrategyName (StrategySpecSchema), which the validator and the runtime read.

  public Double proximalMu;
  public Double serverLearningRate;
  public Double serverMomentum;
  public Double eta;
  public Double etaL;
  public Double beta1;
  public Double beta2;
  public Double tau;
  public Double beta;
  public Integer numMaliciousClients;
  public Integer numClientsToKeep;
  public Double q;
  public Double qfflLearningRate;

  @JsonPropertyDescription("Central differential privacy around the strategy named above: "
      + "fixed or adaptive clipping, on the server or on the clients (Flower's "
      + "DifferentialPrivacy{ServerSide,ClientSide}{Fixed,Adaptive}Clipping).")
  public DifferentialPrivacySpec differentialPrivacy;

  public StrategyName nameOrDefault() {
    return name == null ? StrategyName.FED_AVG : name;
  }
}
