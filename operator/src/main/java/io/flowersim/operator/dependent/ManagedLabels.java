package io.flowersim.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;

/** Labels on everything the operator makes; its informers watch only objects that carry them. */
public final class ManagedLabels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "flowersim-operator";

  /** The informers' label selector. */
  public static final String SELECTOR = MANAGED_BY + "=" + OPERATOR;

  /** On the pods of a simulation's Ray cluster and job submitter: the simulation's name. */
  public static final String SIMULATION = "flowersim.io/simulation";

  /** Kueue admits RayJobs that carry this label, from the named LocalQueue. */
  public static final String KUEUE_QUEUE_NAME = "kueue.x-k8s.io/queue-name";

  private ManagedLabels() {}

  /** A RayJob that names a Kueue queue: Kueue, not the operator, decides whether it runs. */
  public static boolean queued(HasMetadata job) {
    return job.getMetadata().getLabels() != null
        && job.getMetadata().getLabels().containsKey(KUEUE_QUEUE_NAME);
  }

  /** Metadata of an object made for {@code simulation}: its namespace, these labels. */
  static ObjectMeta metadata(String name, HasMetadata simulation) {
    return new ObjectMetaBuilder().withName(name)
        .withNamespace(simulation.getMetadata().getNamespace()).withLabels(labels()).build();
  }

  public static Map<String, String> labels() {
    return Map.of(MANAGED_BY, OPERATOR, "app.kubernetes.io/part-of", "flowersim");
  }
}
