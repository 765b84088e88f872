package io.flowersim.operator;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The custom resources the operator cannot start without, checked before it starts: without them
 * JOSDK fails deep in an informer with "404 Not Found". Uses API discovery, which every
 * authenticated user may read, so the operator needs no RBAC on CRDs for it.
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
      if (!served(client, HasMetadata.getApiVersion(type), HasMetadata.getPlural(type))) {
        problems.add(problem);
      }
    });
    return problems;
  }

  private static boolean served(KubernetesClient client, String groupVersion, String plural) {
    APIResourceList resources;
    try {
      resources = client.getApiResources(groupVersion);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
    return resources != null
        && resources.getResources().stream().anyMatch(r -> plural.equals(r.getName()));
  }
}
