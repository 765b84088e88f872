package io.flowersim.api.v1alpha1.spec;

/**
 * That a strategy takes an option, and with what default.
 *
 * @param option the field of spec.strategy
 * @param defaultValue Flower's default (an Integer for whole-number options); null when the field
 *     is required, as Flower has no default for it
 */
public record StrategyArgument(StrategyOption option, Number defaultValue) {

  public StrategyArgument {
    if (defaultValue != null && !option.range().contains(defaultValue)) {
      throw new IllegalArgumentException("default " + defaultValue + " of " + option
          + " is outside its range, " + option.range().allowed());
    }
  }

  public static StrategyArgument optional(StrategyOption option, Number defaultValue) {
    if (defaultValue == null) {
      throw new IllegalArgumentException("an optional " + option + " needs a default");
    }
    return new StrategyArgument(option, defaultValue);
  }

  public static StrategyArgument required(StrategyOption option) {
    return new StrategyArgument(option, null);
  }

  public boolean isRequired() {
    return defaultValue == null;
  }
}
