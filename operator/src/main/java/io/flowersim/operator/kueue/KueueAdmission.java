package io.flowersim.operator.kueue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.flowersim.api.v1alpha1.status.ConditionReason;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kueue's decision about a RayJob, read from the conditions of the Workload it made for it:
 * admitted or not, and Kueue's own reason and message (no quota left, preempted, ...).
 *
 * @param reason one CamelCase word, Kueue's where it has one, else a {@link ConditionReason}
 */
public record KueueAdmission(boolean admitted, String reason, String message) {

  /** The types of the Workload's conditions that decide. */
  static final String ADMITTED = "Admitted";
  static final String QUOTA_RESERVED = "QuotaReserved";
  static final String EVICTED = "Evicted";

  KueueAdmission(boolean admitted, ConditionReason reason, String message) {
    this(admitted, reason.name(), message);
  }

  /** A queued RayJob for which Kueue has not (yet) made a Workload. */
  public static KueueAdmission noWorkload() {
    return new KueueAdmission(false, ConditionReason.WorkloadPending,
        "waiting for Kueue to make a Workload for the RayJob");
  }

  /** A queued RayJob, but no Kueue to admit it: it would wait forever, so say so. */
  public static KueueAdmission kueueMissing() {
    return new KueueAdmission(false, ConditionReason.KueueNotInstalled, "spec.queueName asks "
        + "for Kueue, but Kueue's Workload API was not served when the operator started; "
        + "install Kueue and restart the operator, or remove spec.queueName");
  }

  /**
   * Admitted is the Workload's Admitted condition. While it is not, the reason is the one that
   * tells a user most: an eviction (a preemption) until quota is reserved again, then why no
   * quota is reserved (Kueue writes the missing resource into that message).
   */
  public static KueueAdmission of(GenericKubernetesResource workload) {
    if (workload == null) {
      return noWorkload();
    }
    List<Map<String, Object>> conditions = conditions(workload);
    Optional<Map<String, Object>> admitted = find(conditions, ADMITTED);
    if (admitted.filter(KueueAdmission::isTrue).isPresent()) {
      return new KueueAdmission(true, ConditionReason.Admitted,
          text(admitted.get(), "message", "admitted by Kueue"));
    }
    Optional<Map<String, Object>> evicted = find(conditions, EVICTED)
        .filter(KueueAdmission::isTrue);
    if (evicted.isPresent()) {
      return new KueueAdmission(false,
          text(evicted.get(), "reason", ConditionReason.Evicted.name()),
          "evicted by Kueue: " + text(evicted.get(), "message", "no message"));
    }
    Optional<Map<String, Object>> reserved = find(conditions, QUOTA_RESERVED);
    if (reserved.isPresent() && !isTrue(reserved.get())) {
      return new KueueAdmission(false,
          text(reserved.get(), "reason", ConditionReason.Pending.name()),
          text(reserved.get(), "message", "no quota reserved yet"));
    }
    if (reserved.isPresent()) {
      return new KueueAdmission(false, ConditionReason.QuotaReserved,
          text(reserved.get(), "message", "quota reserved")
              + "; waiting for Kueue's admission checks");
    }
    return new KueueAdmission(false, ConditionReason.WorkloadPending,
        "Kueue has not considered the Workload yet");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> conditions(GenericKubernetesResource workload) {
    Object status = workload.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> map) || !(map.get("conditions") instanceof List<?> list)) {
      return List.of();
    }
    return list.stream().filter(Map.class::isInstance).map(c -> (Map<String, Object>) c).toList();
  }

  private static Optional<Map<String, Object>> find(List<Map<String, Object>> conditions,
      String type) {
    return conditions.stream().filter(c -> type.equals(c.get("type"))).findFirst();
  }

  private static boolean isTrue(Map<String, Object> condition) {
    return "True".equals(condition.get("status"));
  }

  private static String text(Map<String, Object> condition, String field, String fallback) {
    Object value = condition.get(field);
    return value instanceof String s && !s.isBlank() ? s : fallback;
  }
}
