package io.flowersim.operator.dependent;

import java.util.Map;

/** Labels on everything the operator makes; its informers watch only objects that carry them. */
public final class ManagedLabels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "flowersim-operator";

  /** The informers' label selector. */
  public static final String SELECTOR = MANAGED_BY + "=" + OPERATOR;

  /** Kueue admits RayJobs that carry this label, from the named LocalQueue. */
  public static final String KUEUE_QUEUE_NAME = "kueue.x-k8s.io/queue-name";

  private ManagedLabels() {}

  public static Map<String, String> labels() {
    return Map.of(MANAGED_BY, OPERATOR, "app.kubernetes.io/part-of", "flowersim");
  }
}
