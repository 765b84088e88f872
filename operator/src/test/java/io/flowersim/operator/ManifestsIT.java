package io.flowersim.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * manifests/operator/ as a user applies it: every object passes the real API server's validation
 * (a server-side dry run), and the Deployment is hardened as promised.
 */
class ManifestsIT {

  static final Path DIR = Path.of(System.getProperty("flowersim.repository.root", ".."))
      .resolve("manifests/operator");

  static KubernetesClient client;

  @BeforeAll
  static void connect() {
    client = KubeApiServer.connect();
  }

  static List<HasMetadata> load(String file) throws IOException {
    try (InputStream in = Files.newInputStream(DIR.resolve(file))) {
      return client.load(in).items();
    }
  }

  @Test
  void everyManifestPassesTheApiServersValidation() throws IOException {
    // The namespace for real (the other objects live in it), the rest as a dry run: validated
    // and admitted, nothing stored.
    for (HasMetadata ns : load("namespace.yaml")) {
      client.resource(ns).serverSideApply();
    }
    for (String file : List.of("rbac.yaml", "deployment.yaml")) {
      for (HasMetadata item : load(file)) {
        HasMetadata checked = client.resource(item).dryRun().serverSideApply();
        assertThat(checked.getKind()).as(file).isEqualTo(item.getKind());
      }
    }
  }

  @Test
  void theOperatorFindsEveryApiItNeedsOnTheControlPlane() {
    assertThat(RequiredApis.missing(client)).isEmpty();
  }

  @Test
  void theDeploymentRunsAsNonRootOnAReadOnlyRootFilesystemWithProbesAndLimits()
      throws IOException {
    Deployment deployment = (Deployment) load("deployment.yaml").get(0);
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(pod.getServiceAccountName()).isEqualTo(KubeApiServer.OPERATOR_SERVICE_ACCOUNT);
    // Where the simulations' NetworkPolicies look for the operator by default.
    ControllerPods.Pods operator = ControllerPods.defaults().flowersim();
    assertThat(deployment.getMetadata().getNamespace()).isEqualTo(operator.namespace());
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(operator.labels());
  }
}
