package io.flowersim.api.v1alpha1.spec;

import static io.flowersim.api.v1alpha1.spec.StrategyArgument.optional;
import static io.flowersim.api.v1alpha1.spec.StrategyArgument.required;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.BETA;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.BETA1;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.BETA2;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.ETA;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.ETA_L;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.NUM_CLIENTS_TO_KEEP;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.NUM_MALICIOUS_CLIENTS;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.PROXIMAL_MU;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.Q;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.QFFL_LEARNING_RATE;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.SERVER_LEARNING_RATE;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.SERVER_MOMENTUM;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.TAU;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The strategies the runtime implements, under Flower's class names, each described once: the
 * options of spec.strategy it takes, with Flower's defaults (the sampling knobs every strategy
 * takes are StrategySpec's own). The validator refuses what this does not allow, the runtime's
 * StrategyFactory builds from it and the strategies' builders start from its defaults, so adding
 * a strategy is its class plus one constant here. An enum so that the API server, the CLI and the
 * operator refuse an unknown name the same way, listing what is allowed. Differential privacy is
 * not a name here: it wraps any of them ({@link StrategySpec#differentialPrivacy}).
 */
public enum StrategyName {
  @JsonProperty("FedAvg")
  FED_AVG("FedAvg"),
  @JsonProperty("FedProx")
  FED_PROX("FedProx", required(PROXIMAL_MU)),
  @JsonProperty("FedAvgM")
  FED_AVG_M("FedAvgM", optional(SERVER_LEARNING_RATE, 1.0), optional(SERVER_MOMENTUM, 0.0)),
  /** Flower gives FedAdagrad no beta values: its first moment is the update itself. */
  @JsonProperty("FedAdagrad")
  FED_ADAGRAD("FedAdagrad", optional(ETA, 0.1), optional(ETA_L, 0.1), optional(TAU, 1e-9)),
  @JsonProperty("FedAdam")
  FED_ADAM("FedAdam", optional(ETA, 0.1), optional(ETA_L, 0.1), optional(BETA1, 0.9),
      optional(BETA2, 0.99), optional(TAU, 1e-9)),
  @JsonProperty("FedYogi")
  FED_YOGI("FedYogi", optional(ETA, 0.01), optional(ETA_L, 0.0316), optional(BETA1, 0.9),
      optional(BETA2, 0.99), optional(TAU, 1e-3)),
  @JsonProperty("FedMedian")
  FED_MEDIAN("FedMedian"),
  @JsonProperty("FedTrimmedAvg")
  FED_TRIMMED_AVG("FedTrimmedAvg", optional(BETA, 0.2)),
  @JsonProperty("Krum")
  KRUM("Krum", optional(NUM_MALICIOUS_CLIENTS, 0)),
  @JsonProperty("MultiKrum")
  MULTI_KRUM("MultiKrum", optional(NUM_MALICIOUS_CLIENTS, 0), required(NUM_CLIENTS_TO_KEEP)),
  @JsonProperty("Bulyan")
  BULYAN("Bulyan", optional(NUM_MALICIOUS_CLIENTS, 0)),
  /** Flower's QFedAvg (q-FFL, Li et al. 2020), with the legacy strategy's defaults. */
  @JsonProperty("QFedAvg")
  Q_FED_AVG("QFedAvg", optional(Q, 0.2), optional(QFFL_LEARNING_RATE, 0.1)),
  /**
   * SCAFFOLD (Karimireddy et al. 2020), which Flower has only as a baseline: server and client
   * control variates; the global step size is serverLearningRate.
   */
  @JsonProperty("Scaffold")
  SCAFFOLD("Scaffold", optional(SERVER_LEARNING_RATE, 1.0));

  private final String jsonName;
  private final List<StrategyArgument> arguments;

  StrategyName(String jsonName, StrategyArgument... arguments) {
    this.jsonName = jsonName;
    this.arguments = Arrays.stream(arguments).sorted(Comparator.comparing(StrategyArgument::option))
        .toList();
    if (this.arguments.stream().map(StrategyArgument::option).distinct().count()
        != arguments.length) {
      throw new IllegalArgumentException(jsonName + " takes an option twice");
    }
  }

  /** The name as written in YAML, e.g. FedAdam. */
  public String jsonName() {
    return jsonName;
  }

  /** The options this strategy takes, each with its default, in the order of StrategyOption. */
  public List<StrategyArgument> arguments() {
    return arguments;
  }

  public Optional<StrategyArgument> argument(StrategyOption option) {
    return arguments.stream().filter(a -> a.option() == option).findFirst();
  }

  public boolean takes(StrategyOption option) {
    return argument(option).isPresent();
  }

  /**
   * Flower's default of {@code option} for this strategy: for the builders, which start from
   * it. An IllegalArgumentException when the strategy does not take the option or has no default.
   */
  public Number defaultOf(StrategyOption option) {
    StrategyArgument argument = argument(option).orElseThrow(() -> new IllegalArgumentException(
        jsonName + " takes no " + option));
    if (argument.isRequired()) {
      throw new IllegalArgumentException(option + " has no default for " + jsonName);
    }
    return argument.defaultValue();
  }

  @Override
  public String toString() {
    return jsonName;
  }
}
