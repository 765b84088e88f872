package io.flowersim.task;

import io.flowersim.client.Config;
import java.math.BigDecimal;
import java.util.function.Function;

/**
 * One taskConfig key a task reads, declared once: its type, the values allowed and the default.
 * The declaration reads the value in setup, checks it in `validate` and `run` before any data
 * loads, and describes it in the task's description. Errors name the field as the user wrote it
 * ({@code spec.taskConfig.<key>}).
 *
 * @param <T> Integer, Double, Boolean or String
 */
public final class TaskOption<T> {

  private final String key;
  private final String allowed;
  private final T fallback;
  private final Function<String, T> parse;

  private TaskOption(String key, String allowed, T fallback, Function<String, T> parse) {
    this.key = key;
    this.allowed = allowed;
    this.fallback = fallback;
    this.parse = parse;
  }

  /** A whole number in [min, max]. */
  public static TaskOption<Integer> wholeNumber(String key, Integer fallback, int min,
      int max) {
    String allowed = "a whole number " + (max == Integer.MAX_VALUE ? ">= " + min
        : "from " + min + " to " + max);
    return new TaskOption<>(key, allowed, fallback, text -> {
      long value;
      try {
        value = Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        value = Long.MIN_VALUE;
      }
      return value >= min && value <= max ? (int) value : null;
    });
  }

  /** A finite number above {@code min} (or at it, when inclusive) and below {@code max}. */
  public static TaskOption<Double> number(String key, double fallback, double min,
      boolean minInclusive, double max) {
    String allowed = "a number " + (minInclusive ? ">= " : "> ") + plain(min)
        + (max == Double.MAX_VALUE ? "" : " and < " + plain(max));
    return new TaskOption<>(key, allowed, fallback, text -> {
      double value;
      try {
        value = Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        return null;
      }
      boolean above = minInclusive ? value >= min : value > min;
      return Double.isFinite(value) && above && value < max ? value : null;
    });
  }

  /** A finite number above {@code min} (or at it, when inclusive), unbounded above. */
  public static TaskOption<Double> number(String key, double fallback, double min,
      boolean minInclusive) {
    return number(key, fallback, min, minInclusive, Double.MAX_VALUE);
  }

  /** true or false. */
  public static TaskOption<Boolean> flag(String key, boolean fallback) {
    return new TaskOption<>(key, "true or false", fallback, text -> switch (text.trim()) {
      case "true" -> true;
      case "false" -> false;
      default -> null;
    });
  }

  /** Any string; {@code fallback} may be null. */
  public static TaskOption<String> text(String key, String fallback, String allowed) {
    return new TaskOption<>(key, allowed, fallback, text -> text);
  }

  public String key() {
    return key;
  }

  /** The value in {@code config}, or the default when the key is absent. */
  public T read(Config config) {
    if (!config.has(key)) {
      return fallback;
    }
    String text = config.getString(key, null);
    T value = parse.apply(text);
    if (value == null) {
      throw new IllegalArgumentException("spec.taskConfig." + key + ": must be " + allowed
          + ", got \"" + text + "\"");
    }
    return value;
  }

  /** For the task's description: "batchSize (a whole number >= 1, default 16)". */
  public String describe() {
    return key + " (" + allowed + (fallback == null ? "" : ", default " + fallback) + ")";
  }

  private static String plain(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
