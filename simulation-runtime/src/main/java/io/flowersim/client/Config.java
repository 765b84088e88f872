package io.flowersim.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map of scalars sent to a client with fit/evaluate (Flower's Config). Values are strings,
 * numbers or booleans; typed getters parse strings, since YAML task configs arrive as strings.
 */
public final class Config {

  private static final Config EMPTY = new Config(Map.of());

  private final Map<String, Object> values;

  private Config(Map<String, Object> values) {
    this.values = values;
  }

  public static Config empty() {
    return EMPTY;
  }

  public static Config of(Map<String, ?> values) {
    Map<String, Object> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(k, checkScalar(k, v)));
    return new Config(Collections.unmodifiableMap(copy));
  }

  /** A new config with {@code key} set (or replaced). */
  public Config with(String key, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(values);
    copy.put(key, checkScalar(key, value));
    return new Config(Collections.unmodifiableMap(copy));
  }

  /** A new config with all entries of {@code other} added, {@code other} winning on clashes. */
  public Config merge(Config other) {
    Map<String, Object> copy = new LinkedHashMap<>(values);
    copy.putAll(other.values);
    return new Config(Collections.unmodifiableMap(copy));
  }

  public Map<String, Object> asMap() {
    return values;
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public String getString(String key, String fallback) {
    Object v = values.get(key);
    return v == null ? fallback : v.toString();
  }

  public double getDouble(String key, double fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": expected a number, got \"" + v + "\"", e);
    }
  }

  public int getInt(String key, int fallback) {
    long v = getLong(key, fallback);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(key + ": " + v + " is out of range for a whole number");
    }
    return (int) v;
  }

  public long getLong(String key, long fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      return ((Number) v).longValue();
    }
    try {
      return Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": expected a whole number, got \"" + v + "\"", e);
    }
  }

  public boolean getBoolean(String key, boolean fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString().trim();
    if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(s);
    }
    throw new IllegalArgumentException(key + ": expected true or false, got \"" + v + "\"");
  }

  private static Object checkScalar(String key, Object v) {
    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
      return v;
    }
    throw new IllegalArgumentException("config " + key + ": only strings, numbers and booleans are "
        + "allowed, got " + (v == null ? "null" : v.getClass().getSimpleName()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Config c && values.equals(c.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
