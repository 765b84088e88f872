package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flower's strategy: its name, the sampling knobs every strategy has (the FedAvg constructor
 * arguments), the optional arguments of the other strategies (each applies only to the strategies
 * its description names; defaults are Flower's), and an optional differential-privacy wrapper.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.name) || self.name != 'FedProx' || has(self.proximalMu)",
    message = "spec.strategy.proximalMu is required for FedProx (Flower has no default)",
    fieldPath = ".proximalMu")
@ValidationRule(value = "!has(self.name) || self.name != 'MultiKrum' || has(self.numClientsToKeep)",
    message = "spec.strategy.numClientsToKeep is required for MultiKrum",
    fieldPath = ".numClientsToKeep")
public class StrategySpec {

  @JsonPropertyDescription("Strategy name: FedAvg, FedProx, FedAvgM, FedAdagrad, FedAdam, FedYogi, "
      + "FedMedian, FedTrimmedAvg, Krum, MultiKrum or Bulyan (Flower's strategies). Default FedAvg.")
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

  @Min(0)
  @JsonPropertyDescription("FedProx: weight mu of the proximal term (mu/2)||w - w_global||^2, sent "
      + "to every client's fit as proximal_mu (>= 0; 0 is FedAvg). Required for FedProx.")
  public Double proximalMu;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("FedAvgM: server learning rate (> 0). Default 1.")
  public Double serverLearningRate;

  @Min(0)
  @Max(value = 1, inclusive = false)
  @JsonPropertyDescription("FedAvgM: server momentum, in [0, 1). Default 0.")
  public Double serverMomentum;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("FedAdagrad, FedAdam, FedYogi: server learning rate (> 0). Default 0.1 "
      + "(FedYogi 0.01).")
  public Double eta;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("FedAdagrad, FedAdam, FedYogi: client learning rate (> 0), kept with "
      + "the strategy as in Flower, which does not send it to clients (set the clients' rate in "
      + "taskConfig or fitConfig). Default 0.1 (FedYogi 0.0316).")
  public Double etaL;

  @Min(0)
  @Max(value = 1, inclusive = false)
  @JsonPropertyDescription("FedAdam, FedYogi: first-moment decay, in [0, 1). Default 0.9.")
  public Double beta1;

  @Min(0)
  @Max(value = 1, inclusive = false)
  @JsonPropertyDescription("FedAdam, FedYogi: second-moment decay, in [0, 1). Default 0.99.")
  public Double beta2;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("FedAdagrad, FedAdam, FedYogi: adaptivity tau (> 0), added to the root "
      + "of the second moment. Default 1e-9 (FedYogi 1e-3).")
  public Double tau;

  @Min(0)
  @Max(value = 0.5, inclusive = false)
  @JsonPropertyDescription("FedTrimmedAvg: fraction cut off each tail per coordinate, in [0, 0.5). "
      + "Default 0.2.")
  public Double beta;

  @Min(0)
  @JsonPropertyDescription("Krum, MultiKrum, Bulyan: how many clients may be malicious (>= 0). "
      + "Bulyan needs at least 4 * numMaliciousClients + 3 clients per round. Default 0.")
  public Integer numMaliciousClients;

  @Min(1)
  @JsonPropertyDescription("MultiKrum: how many of the best-scored updates are averaged (>= 1; at "
      + "most the clients that report). Required for MultiKrum.")
  public Integer numClientsToKeep;

  @JsonPropertyDescription("Central differential privacy with server-side fixed clipping "
      + "(Flower's DifferentialPrivacyServerSideFixedClipping), around the strategy named above.")
  public DifferentialPrivacySpec differentialPrivacy;

  public StrategyName nameOrDefault() {
    return name == null ? StrategyName.FED_AVG : name;
  }
}
