package io.flowersim.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The custom resources the operator cannot start without, checked before it starts: without them
 * JOSDK fails deep in an informer with "404 Not Found".
 */
final class RequiredApis {

  private static final Map<Class<? extends HasMetadata>, String> REQUIRED = new LinkedHashMap<>();

  static {
    REQUIRED.put(FlowerSimulation.class, "the FlowerSimulation CRD (flowersimulations."
        + "flowersim.io, v1alpha1) is not installed: kubectl apply --server-side -f "
        + "manifests/crds/ (the Helm chart installs it)");
    REQUIRED.put(RayJob.class, "KubeRay's RayJob CRD (rayjobs.ray.io, v1) is not installed: "
        + "install KubeRay (its operator and CRDs, e.g. with KubeRay's Helm chart) first");
  }

  private RequiredApis() {}

  /** One message per missing API; empty when the operator can start. */
  static List<String> missing(KubernetesClient client) {
    List<String> problems = new ArrayList<>();
    REQUIRED.forEach((type, problem) -> {
      if (!ApiDiscovery.serves(client, HasMetadata.getApiVersion(type),
          HasMetadata.getPlural(type))) {
        problems.add(problem);
      }
    });
    return problems;
  }
}
