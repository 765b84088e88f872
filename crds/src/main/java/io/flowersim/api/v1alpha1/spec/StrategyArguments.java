package io.flowersim.api.v1alpha1.spec;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The values of the options of one strategy: each as spec.strategy gives it, else the strategy's
 * default. What {@link #problems} finds, the validator reports and {@link #of} refuses, so a field
 * cannot be accepted by one and refused by the other.
 */
public final class StrategyArguments {

  private final StrategyName name;
  private final Map<StrategyOption, Number> values;

  private StrategyArguments(StrategyName name, Map<StrategyOption, Number> values) {
    this.name = name;
    this.values = values;
  }

  /**
   * What is wrong with spec.strategy's options, by option, in the order of StrategyOption: set
   * for a strategy that does not take it, out of its range, or missing where required. Empty
   * when every option is fine.
   */
  public static Map<StrategyOption, String> problems(StrategySpec spec) {
    StrategyName name = spec.nameOrDefault();
    Map<StrategyOption, String> problems = new LinkedHashMap<>();
    for (StrategyOption option : StrategyOption.values()) {
      Number value = option.valueIn(spec);
      boolean taken = name.takes(option);
      if (value != null && !taken) {
        problems.put(option, "applies only to " + option.takenBy().stream()
            .map(StrategyName::jsonName).collect(Collectors.joining(", ")) + ", not to "
            + name.jsonName() + " (spec.strategy.name)");
      } else if (value != null) {
        String problem = option.range().problem(value);
        if (problem != null) {
          problems.put(option, problem);
        }
      } else if (taken && name.argument(option).orElseThrow().isRequired()) {
        problems.put(option, "is required for " + name.jsonName());
      }
    }
    return problems;
  }

  /**
   * The arguments spec.strategy gives its strategy, defaults filled in. An
   * IllegalArgumentException names the first of the {@link #problems}: the validator reports
   * them all before anything is built, so this guards callers that skip it.
   */
  public static StrategyArguments of(StrategySpec spec) {
    Map<StrategyOption, String> problems = problems(spec);
    if (!problems.isEmpty()) {
      Map.Entry<StrategyOption, String> first = problems.entrySet().iterator().next();
      throw new IllegalArgumentException("spec.strategy." + first.getKey().jsonName() + " "
          + first.getValue());
    }
    StrategyName name = spec.nameOrDefault();
    Map<StrategyOption, Number> values = new EnumMap<>(StrategyOption.class);
    for (StrategyArgument argument : name.arguments()) {
      Number given = argument.option().valueIn(spec);
      values.put(argument.option(), given != null ? given : argument.defaultValue());
    }
    return new StrategyArguments(name, values);
  }

  public StrategyName name() {
    return name;
  }

  /** Whether the strategy takes {@code option}. */
  public boolean has(StrategyOption option) {
    return values.containsKey(option);
  }

  public double number(StrategyOption option) {
    return value(option).doubleValue();
  }

  public int wholeNumber(StrategyOption option) {
    return value(option).intValue();
  }

  private Number value(StrategyOption option) {
    Number value = values.get(option);
    if (value == null) {
      throw new IllegalArgumentException(name.jsonName() + " takes no " + option);
    }
    return value;
  }

  @Override
  public String toString() {
    return name.jsonName() + values;
  }
}
