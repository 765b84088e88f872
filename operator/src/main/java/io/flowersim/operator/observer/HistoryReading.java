package io.flowersim.operator.observer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap.RunState;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the runtime wrote into the history ConfigMap: the rounds so far and its run state.
 *
 * @param rounds completed rounds, oldest first
 * @param state the runtime's own report, null before it wrote one
 * @param message the runtime's message: why it ended, or while it runs that it started again
 * @param problem why the data could not be read, else null
 * @param resumedFromRound the checkpoint's round the run continued after, null for a run that
 *     began at round 1
 * @param beganAgain whether the runtime kept an earlier attempt's history under
 *     previous-attempt.json: this attempt started again at round 1, with no checkpoint to
 *     continue from (not just any message while running: an attempt that broke, leaving the run
 *     to KubeRay's retry, says so too)
 */
public record HistoryReading(List<RoundRecord> rounds, RunState state, String message,
    String problem, Integer resumedFromRound, boolean beganAgain) {

  /** Reads only the rounds: the runtime's history.json has more, for the CLI's plot. */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  public static final HistoryReading NONE = new HistoryReading(List.of(), null, null, null);

  /** A run that began at round 1. */
  public HistoryReading(List<RoundRecord> rounds, RunState state, String message,
      String problem) {
    this(rounds, state, message, problem, null);
  }

  /** A run that did not start again at round 1 after an earlier attempt. */
  public HistoryReading(List<RoundRecord> rounds, RunState state, String message,
      String problem, Integer resumedFromRound) {
    this(rounds, state, message, problem, resumedFromRound, false);
  }

  public static HistoryReading of(ConfigMap configMap) {
    if (configMap == null || configMap.getData() == null) {
      return NONE;
    }
    Map<String, String> data = configMap.getData();
    RunState state = RunState.of(data.get(HistoryConfigMap.STATE_KEY));
    String message = data.get(HistoryConfigMap.MESSAGE_KEY);
    Integer resumed = round(data.get(HistoryConfigMap.RESUMED_FROM_ROUND_KEY));
    String previous = data.get(HistoryConfigMap.PREVIOUS_ATTEMPT_KEY);
    boolean beganAgain = previous != null && !previous.isBlank();
    String json = data.get(HistoryConfigMap.HISTORY_KEY);
    if (json == null || json.isBlank()) {
      return new HistoryReading(List.of(), state, message, null, resumed, beganAgain);
    }
    try {
      JsonNode rounds = JSON.readTree(json).path("rounds");
      List<RoundRecord> records = new ArrayList<>();
      for (JsonNode round : rounds) {
        // A runtime before typed non-finite values wrote NaN as a string: status fields are typed
        // numbers, and one NaN would make every status patch fail.
        records.add(JSON.treeToValue(round, RoundRecord.class).keepFinite());
      }
      return new HistoryReading(List.copyOf(records), state, message, null, resumed, beganAgain);
    } catch (IOException | IllegalArgumentException e) {
      return new HistoryReading(List.of(), state, message, "the history ConfigMap's "
          + HistoryConfigMap.HISTORY_KEY + " is not readable: " + e.getMessage(), resumed,
          beganAgain);
    }
  }

  /** A round number the runtime wrote; null for none or one that is not a round. */
  private static Integer round(String value) {
    if (value == null) {
      return null;
    }
    try {
      int round = Integer.parseInt(value.trim());
      return round >= 0 ? round : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The last completed round, 0 before the first. */
  public int currentRound() {
    return rounds.isEmpty() ? 0 : rounds.get(rounds.size() - 1).round;
  }
}
