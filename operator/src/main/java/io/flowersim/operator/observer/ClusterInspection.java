package io.flowersim.operator.observer;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.operator.dependent.ManagedLabels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what {@link ClusterTrouble} judges: the simulation's pods (by the label the operator puts
 * on their templates) and the Events on its RayJob and RayCluster. Only while the cluster is on
 * its way, so a running simulation costs no reads.
 */
public final class ClusterInspection {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterInspection.class);

  private ClusterInspection() {}

  public static Optional<ClusterTrouble> inspect(KubernetesClient client, String simulation,
      RayJob job, Instant now) {
    String namespace = job.getMetadata().getNamespace();
    try {
      List<Pod> pods = client.pods().inNamespace(namespace)
          .withLabel(ManagedLabels.SIMULATION, simulation).list().getItems();
      List<Event> events = new ArrayList<>(eventsOn(client, namespace, "RayJob",
          job.getMetadata().getName()));
      String cluster = job.getStatus() == null ? null : job.getStatus().rayClusterName;
      if (cluster != null && !cluster.isBlank()) {
        events.addAll(eventsOn(client, namespace, "RayCluster", cluster));
      }
      return ClusterTrouble.of(pods, events, now);
    } catch (KubernetesClientException e) {
      // A missing permission or a hiccup must not stop the reconcile; the next one retries.
      LOG.warn("cannot read the pods and events of {}/{}: {}", namespace, simulation,
          e.getMessage());
      return Optional.empty();
    }
  }

  private static List<Event> eventsOn(KubernetesClient client, String namespace, String kind,
      String name) {
    return client.v1().events().inNamespace(namespace)
        .withField("involvedObject.kind", kind).withField("involvedObject.name", name)
        .list().getItems();
  }
}
