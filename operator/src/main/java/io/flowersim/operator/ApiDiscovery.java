package io.flowersim.operator;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Whether the API server serves a resource, through API discovery, which every authenticated user
 * may read: the operator needs no RBAC on CRDs to find out whether KubeRay or Kueue is installed.
 */
public final class ApiDiscovery {

  private ApiDiscovery() {}

  /** True if {@code groupVersion} (e.g. "ray.io/v1") lists the resource {@code plural}. */
  public static boolean serves(KubernetesClient client, String groupVersion, String plural) {
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
