package io.flowersim.api.v1alpha1.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A field of spec.strategy that only some strategies take (the sampling knobs that every strategy
 * has are {@link StrategySpec}'s own), declared once: its name, what it means and the values it
 * allows. Which strategies take it, and with what default, each {@link StrategyName} says. From
 * the two, the validator, the runtime's strategy factory, the strategies' constructors, the CRD's
 * field descriptions and bounds ({@link StrategySpecSchema}) and the README's table follow.
 */
public enum StrategyOption {
  PROXIMAL_MU("proximalMu", NumberRange.atLeast(0), "weight mu of the proximal term "
      + "(mu/2)||w - w_global||^2, sent to every client's fit as proximal_mu (0 is FedAvg)",
      s -> s.proximalMu),
  SERVER_LEARNING_RATE("serverLearningRate", NumberRange.greaterThan(0), "server learning rate",
      s -> s.serverLearningRate),
  SERVER_MOMENTUM("serverMomentum", NumberRange.from(0, 1), "server momentum",
      s -> s.serverMomentum),
  ETA("eta", NumberRange.greaterThan(0), "server learning rate", s -> s.eta),
  ETA_L("etaL", NumberRange.greaterThan(0), "client learning rate, kept with the strategy as in "
      + "Flower, which does not send it to clients (set the clients' rate in taskConfig or "
      + "fitConfig)", s -> s.etaL),
  BETA1("beta1", NumberRange.from(0, 1), "first-moment decay", s -> s.beta1),
  BETA2("beta2", NumberRange.from(0, 1), "second-moment decay", s -> s.beta2),
  TAU("tau", NumberRange.greaterThan(0), "adaptivity tau, added to the root of the second moment",
      s -> s.tau),
  BETA("beta", NumberRange.from(0, 0.5), "fraction cut off each tail per coordinate",
      s -> s.beta),
  NUM_MALICIOUS_CLIENTS("numMaliciousClients", NumberRange.wholeAtLeast(0), "how many clients "
      + "may be malicious (f): a round must sample at least 2f + 3 clients, Bulyan 4f + 3", s -> s.numMaliciousClients),
  NUM_CLIENTS_TO_KEEP("numClientsToKeep", NumberRange.wholeAtLeast(1), "how many of the "
      + "best-scored updates are averaged, at most the clients a round samples minus "
      + "numMaliciousClients", s -> s.numClientsToKeep),
  Q("q", NumberRange.atLeast(0), "fairness q: each client's update is weighted by its training "
      + "loss (fit metric train_loss) to the power q, so the worse-off clients count more; 0 gives "
      + "every client the same weight", s -> s.q),
  QFFL_LEARNING_RATE("qfflLearningRate", NumberRange.greaterThan(0), "the clients' learning rate, "
      + "whose inverse estimates the Lipschitz constant L of q-FedAvg's step (set the clients' "
      + "own rate to the same value in taskConfig or fitConfig)", s -> s.qfflLearningRate);

  private final String jsonName;
  private final NumberRange range;
  private final String meaning;
  private final Function<StrategySpec, Number> field;

  StrategyOption(String jsonName, NumberRange range, String meaning,
      Function<StrategySpec, Number> field) {
    this.jsonName = jsonName;
    this.range = range;
    this.meaning = meaning;
    this.field = field;
  }

  /** The field's name in spec.strategy, e.g. etaL. */
  public String jsonName() {
    return jsonName;
  }

  public NumberRange range() {
    return range;
  }

  /** What the value does, e.g. "server learning rate". */
  public String meaning() {
    return meaning;
  }

  /** The value spec.strategy gives this field; null when it is not set. */
  public Number valueIn(StrategySpec spec) {
    return field.apply(spec);
  }

  /** The strategies that take this field, in the order of {@link StrategyName}. */
  public List<StrategyName> takenBy() {
    return Arrays.stream(StrategyName.values()).filter(name -> name.takes(this)).toList();
  }

  /**
   * The field's description in the CRD ({@code kubectl explain}): "FedAdagrad, FedAdam, FedYogi:
   * server learning rate; a number &gt; 0. Default 0.1 (FedYogi 0.01)."
   */
  public String description() {
    Map<String, List<String>> byDefault = new LinkedHashMap<>();
    for (StrategyName name : takenBy()) {
      StrategyArgument argument = name.argument(this).orElseThrow();
      String value = argument.isRequired() ? REQUIRED
          : NumberRange.format(argument.defaultValue().doubleValue());
      byDefault.computeIfAbsent(value, v -> new ArrayList<>()).add(name.jsonName());
    }
    String usual = byDefault.entrySet().stream()
        .max(Comparator.comparingInt(e -> e.getValue().size())).orElseThrow().getKey();
    StringBuilder text = new StringBuilder(takenBy().stream().map(StrategyName::jsonName)
        .collect(Collectors.joining(", ")));
    text.append(": ").append(meaning).append("; ").append(range.allowed()).append(". ");
    text.append(usual.equals(REQUIRED) ? "Required" : "Default " + usual);
    List<String> others = byDefault.entrySet().stream().filter(e -> !e.getKey().equals(usual))
        .map(e -> String.join(", ", e.getValue()) + " "
            + (e.getKey().equals(REQUIRED) ? "required" : e.getKey()))
        .toList();
    if (!others.isEmpty()) {
      text.append(" (").append(String.join("; ", others)).append(")");
    }
    return text.append(".").toString();
  }

  private static final String REQUIRED = "required";

  /** {@code value} when the range allows it; else an IllegalArgumentException naming the field. */
  public double require(double value) {
    check(value);
    return value;
  }

  /** {@code value} when the range allows it; else an IllegalArgumentException naming the field. */
  public int require(int value) {
    check(value);
    return value;
  }

  private void check(Number value) {
    String problem = range.problem(value);
    if (problem != null) {
      throw new IllegalArgumentException(jsonName + " " + problem);
    }
  }

  @Override
  public String toString() {
    return jsonName;
  }
}
