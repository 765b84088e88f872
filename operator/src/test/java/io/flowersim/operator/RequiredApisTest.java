package io.flowersim.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/** Discovery as an API server without our CRD, then with KubeRay's only. */
@EnableKubernetesMockClient
class RequiredApisTest {

  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void namesEachMissingCrdAndHowToInstallIt() {
    assertThat(RequiredApis.missing(client)).satisfiesExactly(
        flowersim -> assertThat(flowersim).contains("flowersimulations.flowersim.io")
            .contains("manifests/crds/"),
        kuberay -> assertThat(kuberay).contains("rayjobs.ray.io").contains("install KubeRay"));
  }

  @Test
  void anInstalledCrdIsNotReported() {
    server.expect().get().withPath("/apis/ray.io/v1").andReturn(200,
        new APIResourceListBuilder().withGroupVersion("ray.io/v1").addToResources(
            new APIResourceBuilder().withName("rayjobs").withKind("RayJob").withNamespaced(true)
                .build()).build()).always();
    assertThat(RequiredApis.missing(client)).singleElement().asString()
        .contains("flowersimulations.flowersim.io");
  }
}
