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

  /**
   * For people: why the run ended as it did (with a final state), or, while it runs, that it
   * started again after an earlier attempt.
   */
  public static final String MESSAGE_KEY = "message";

  /**
   * history.json of the attempt before a restart (a suspended, preempted or lost Ray cluster
   * starts the Ray job again) that began at round 1 again: kept, not overwritten, since there was
   * no checkpoint to continue from.
   */
  public static final String PREVIOUS_ATTEMPT_KEY = "previous-attempt.json";

  /**
   * What history.json holds of the run, as JSON: {"rounds": rounds completed, "roundsKept": how
   * many of the newest are in history.json, "note": where the others are, when some are left
   * out}. history.json keeps the newest rounds only, so that the ConfigMap stays under the API
   * server's object size limit however many rounds a run has.
   */
  public static final String SUMMARY_KEY = "summary.json";

  /**
   * While the run continues after a checkpoint (spec.checkpoint.persistentVolumeClaim) and once
   * it ended: the round of that checkpoint, a decimal number; the run went on with the next
   * round, and history.json holds every round once. Absent for a run that began at round 1.
   */
  public static final String RESUMED_FROM_ROUND_KEY = "resumed-from-round";

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
