package io.flowersim.operator.reconciler;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes Events on a simulation (kubectl describe fsim shows them). */
final class SimulationEvents {

  private static final Logger LOG = LoggerFactory.getLogger(SimulationEvents.class);
  static final String COMPONENT = "flowersim-operator";

  private final KubernetesClient client;

  SimulationEvents(KubernetesClient client) {
    this.client = client;
  }

  void normal(FlowerSimulation sim, String reason, String message) {
    record(sim, "Normal", reason, message);
  }

  void warning(FlowerSimulation sim, String reason, String message) {
    record(sim, "Warning", reason, message);
  }

  /** An Event that cannot be written is logged: it must not fail the reconcile. */
  private void record(FlowerSimulation sim, String type, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      client.v1().events().inNamespace(sim.getMetadata().getNamespace()).resource(
          new EventBuilder().withNewMetadata()
              .withGenerateName(sim.getMetadata().getName() + ".")
              .withNamespace(sim.getMetadata().getNamespace()).endMetadata()
              .withInvolvedObject(new ObjectReferenceBuilder()
                  .withApiVersion(FlowerSimulation.API_VERSION).withKind(FlowerSimulation.KIND)
                  .withName(sim.getMetadata().getName())
                  .withNamespace(sim.getMetadata().getNamespace())
                  .withUid(sim.getMetadata().getUid()).build())
              .withType(type).withReason(reason).withMessage(message)
              .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
              .withNewSource().withComponent(COMPONENT).endSource()
              .build()).create();
    } catch (KubernetesClientException e) {
      LOG.warn("could not record event {} on {}/{}: {}", reason,
          sim.getMetadata().getNamespace(), sim.getMetadata().getName(), e.getMessage());
    }
  }
}
