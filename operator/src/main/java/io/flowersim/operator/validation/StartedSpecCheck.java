package io.flowersim.operator.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.operator.dependent.RayJobTemplate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The spec is fixed once its RayJob exists, except spec.suspend. A CRD rule cannot say so: CEL
 * transition rules on the spec see the old and new spec but not the status, so they cannot tell
 * a running simulation from a pending one. The operator compares the spec with the one the RayJob
 * was made from and names the fields that changed.
 */
public final class StartedSpecCheck {

  /** The one field that may change while the simulation runs. */
  public static final String MUTABLE_FIELD = "suspend";

  private StartedSpecCheck() {}

  /** The top-level spec fields that differ from the started spec; empty when none. */
  public static List<String> changedFields(FlowerSimulationSpec current, RayJob job) {
    Optional<JsonNode> started = RayJobTemplate.startedSpec(job);
    if (started.isEmpty() || !started.get().isObject()) {
      return List.of();
    }
    ObjectNode now = (ObjectNode) RayJobTemplate.specTree(current);
    ObjectNode then = (ObjectNode) started.get();
    List<String> changed = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    now.fieldNames().forEachRemaining(fields::add);
    for (Iterator<String> it = then.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!fields.contains(field)) {
        fields.add(field);
      }
    }
    for (String field : fields) {
      if (!field.equals(MUTABLE_FIELD) && !equal(now.get(field), then.get(field))) {
        changed.add("spec." + field);
      }
    }
    return changed;
  }

  /** An empty map or list counts as absent, as Kubernetes' defaulting makes them alike. */
  private static boolean equal(JsonNode a, JsonNode b) {
    boolean aEmpty = a == null || a.isNull() || (a.isContainerNode() && a.isEmpty());
    boolean bEmpty = b == null || b.isNull() || (b.isContainerNode() && b.isEmpty());
    if (aEmpty || bEmpty) {
      return aEmpty == bEmpty;
    }
    return a.equals(b);
  }
}
