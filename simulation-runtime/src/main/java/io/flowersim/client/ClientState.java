package io.flowersim.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client's state that survives between its ephemeral instances (Flower's Context.state): control
 * variates, privacy budgets, counters. Values should be small and serializable (scalars, arrays),
 * because a distributed backend moves them between processes.
 */
public final class ClientState {

  private final Map<String, Object> values = new ConcurrentHashMap<>();

  public ClientState() {}

  public ClientState(Map<String, Object> initial) {
    values.putAll(initial);
  }

  @SuppressWarnings("unchecked")
  public <T> T get(String key) {
    return (T) values.get(key);
  }

  @SuppressWarnings("unchecked")
  public <T> T getOrDefault(String key, T fallback) {
    return (T) values.getOrDefault(key, fallback);
  }

  public void put(String key, Object value) {
    if (value == null) {
      values.remove(key);
    } else {
      values.put(key, value);
    }
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  public Map<String, Object> asMap() {
    return values;
  }
}
