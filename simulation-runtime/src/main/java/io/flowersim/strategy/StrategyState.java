package io.flowersim.strategy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a strategy keeps between rounds (server-optimizer moments, a momentum buffer, the position of
 * a noise generator), by name: written into every checkpoint and handed to a fresh strategy built
 * from the same spec when a run resumes. Values are float arrays, longs, doubles, strings, or the
 * state of a wrapped strategy; arrays are not copied, since a checkpoint encodes them at once.
 */
public final class StrategyState {

  private final Map<String, Object> values = new LinkedHashMap<>();

  private StrategyState() {}

  public static StrategyState empty() {
    return new StrategyState();
  }

  /**
   * The state a checkpoint decoded: float[], Long, Double and String values, and maps for nested
   * states.
   *
   * @throws IllegalArgumentException for a value of another type
   */
  public static StrategyState of(Map<String, ?> decoded) {
    StrategyState state = new StrategyState();
    decoded.forEach((key, value) -> {
      if (value instanceof Map<?, ?> nested) {
        @SuppressWarnings("unchecked")
        Map<String, ?> map = (Map<String, ?>) nested;
        state.values.put(key, of(map));
      } else if (value instanceof float[] || value instanceof Long || value instanceof Double
          || value instanceof String) {
        state.values.put(key, value);
      } else {
        throw new IllegalArgumentException("strategy state \"" + key + "\": a "
            + (value == null ? "null" : value.getClass().getSimpleName())
            + " (float arrays, longs, doubles, strings and nested states only)");
      }
    });
    return state;
  }

  public StrategyState put(String key, float[] value) {
    return set(key, value);
  }

  public StrategyState put(String key, long value) {
    return set(key, value);
  }

  public StrategyState put(String key, double value) {
    return set(key, value);
  }

  public StrategyState put(String key, String value) {
    return set(key, value);
  }

  /** A wrapped strategy's own state (the DP wrapper keeps its inner strategy's). */
  public StrategyState put(String key, StrategyState nested) {
    return set(key, nested);
  }

  private StrategyState set(String key, Object value) {
    if (value == null) {
      values.remove(key);
    } else {
      values.put(key, value);
    }
    return this;
  }

  public Optional<float[]> floats(String key) {
    return Optional.ofNullable(typed(key, float[].class));
  }

  /** A long that must be there. */
  public long longValue(String key) {
    return required(key, Long.class);
  }

  /** A double that must be there. */
  public double doubleValue(String key) {
    return required(key, Double.class);
  }

  public Optional<String> string(String key) {
    return Optional.ofNullable(typed(key, String.class));
  }

  /** A wrapped strategy's state; empty when none was saved. */
  public StrategyState nested(String key) {
    StrategyState nested = typed(key, StrategyState.class);
    return nested == null ? empty() : nested;
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** Keys in insertion order, nested states as StrategyState. */
  public Map<String, Object> asMap() {
    return Collections.unmodifiableMap(values);
  }

  private <T> T required(String key, Class<T> type) {
    T value = typed(key, type);
    if (value == null) {
      throw new IllegalStateException("the checkpoint's strategy state has no \"" + key + "\"");
    }
    return value;
  }

  private <T> T typed(String key, Class<T> type) {
    Object value = values.get(key);
    if (value != null && !type.isInstance(value)) {
      throw new IllegalStateException("the checkpoint's strategy state \"" + key + "\" is a "
          + value.getClass().getSimpleName() + ", not a " + type.getSimpleName());
    }
    return type.cast(value);
  }
}
