package io.flowersim.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What differs between the spec a checkpoint was made from and the spec of the run that would
 * resume from it, field by field. A resumed run must be the run that was interrupted, so every
 * field must be equal except {@code suspend} (which is how a run is stopped and resumed) and
 * {@code rounds}, which may be raised to go on for more rounds.
 */
public final class SpecDifferences {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /** Fields that may differ. */
  private static final Set<String> FREE = Set.of("suspend", "rounds");

  private SpecDifferences() {}

  /** The spec as a checkpoint keeps it. */
  public static String json(FlowerSimulationSpec spec) {
    try {
      return JSON.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the spec as JSON", e);
    }
  }

  /**
   * One line per difference, naming the field ({@code strategy.name}, {@code taskConfig.lr},
   * {@code cluster.workerGroups[0].replicas}) with both values; empty when the run may resume.
   *
   * @param saved a checkpoint's {@link Checkpoint#specJson()}
   * @param completedRounds the checkpoint's round
   */
  public static List<String> between(String saved, FlowerSimulationSpec current,
      int completedRounds) {
    JsonNode before;
    JsonNode now;
    try {
      before = JSON.readTree(saved);
      // Read back from text, as the saved one was: numbers of both get the same node types.
      now = JSON.readTree(json(current));
    } catch (JsonProcessingException e) {
      return List.of("the checkpoint's spec cannot be read: " + e.getOriginalMessage());
    }
    List<String> out = new ArrayList<>();
    compare("", before, now, out);
    int savedRounds = before.path("rounds").asInt();
    if (current.rounds != null && current.rounds < savedRounds) {
      out.add("rounds: " + current.rounds + ", but the checkpoint's run had " + savedRounds
          + " (rounds may only be raised when resuming)");
    } else if (current.rounds != null && current.rounds < completedRounds) {
      out.add("rounds: " + current.rounds + ", but the checkpoint is after round "
          + completedRounds);
    }
    return out;
  }

  private static void compare(String path, JsonNode before, JsonNode now, List<String> out) {
    boolean beforeAbsent = before == null || before.isNull() || before.isMissingNode();
    boolean nowAbsent = now == null || now.isNull() || now.isMissingNode();
    if (beforeAbsent && nowAbsent) {
      return;
    }
    if (!beforeAbsent && !nowAbsent && before.isObject() && now.isObject()) {
      Set<String> names = new TreeSet<>();
      before.fieldNames().forEachRemaining(names::add);
      now.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        String field = path.isEmpty() ? name : path + "." + name;
        if (!FREE.contains(field)) {
          compare(field, before.get(name), now.get(name), out);
        }
      }
      return;
    }
    if (!beforeAbsent && !nowAbsent && before.isArray() && now.isArray()
        && before.size() == now.size()) {
      Iterator<JsonNode> a = before.elements();
      Iterator<JsonNode> b = now.elements();
      for (int i = 0; a.hasNext(); i++) {
        compare(path + "[" + i + "]", a.next(), b.next(), out);
      }
      return;
    }
    if (!beforeAbsent && !nowAbsent && before.equals(now)) {
      return;
    }
    out.add(path + ": " + shown(now) + ", but the checkpoint was made with " + shown(before));
  }

  private static String shown(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() ? "(not set)" : node.toString();
  }
}
