package io.flowersim.api.v1alpha1.handover;

import java.util.Locale;

/**
 * The ConfigMap {@code <simulation>-history}: the operator creates it empty, the runtime patches
 * it (only these keys), the operator mirrors it into the simulation's status.
 */
public final class HistoryConfigMap {

  /** history.json as the CLI writes it: {"simulation", "initial", "rounds": [...]}. */
  public static final String HISTORY_KEY = "history.json";

  /** One of {@link RunState}'s values, lower case. */
  public static final String STATE_KEY = "state";

  /** Why the run ended as it did, for people; set with a final state. */
  public static final String MESSAGE_KEY = "message";

  private HistoryConfigMap() {}

  /** What the runtime reports about its run. */
  public enum RunState {
    RUNNING,
    SUCCEEDED,
    FAILED;

    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The state for a value the runtime wrote; null for none or one this version does not know. */
    public static RunState of(String value) {
      for (RunState s : values()) {
        if (s.value().equals(value)) {
          return s;
        }
      }
      return null;
    }
  }
}
