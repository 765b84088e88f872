package io.flowersim.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap.RunState;
import io.flowersim.server.History;
import org.junit.jupiter.api.Test;

/** Retries of the ConfigMap patch, on Fabric8's mock server answering what a busy API server may. */
@EnableKubernetesMockClient
class HistoryConfigMapWriterTest {

  static final String PATH = "/api/v1/namespaces/team-a/configmaps/quick-history";

  KubernetesMockServer server;
  KubernetesClient client;

  /** Fabric8 reads the ConfigMap before it patches it (the runtime may get it). */
  void configMapExists() {
    server.expect().get().withPath(PATH).andReturn(200, new ConfigMapBuilder().withNewMetadata()
        .withName("quick-history").withNamespace("team-a").endMetadata().build()).always();
  }

  long patchRequests() throws InterruptedException {
    long patches = 0;
    for (int i = server.getRequestCount(); i > 0; i--) {
      if ("PATCH".equals(server.takeRequest().getMethod())) {
        patches++;
      }
    }
    return patches;
  }

  static Object status(int code) {
    return new StatusBuilder().withCode(code).withMessage("answer " + code).build();
  }

  @Test
  void conflictsAndBusyAnswersAreRetriedUntilThePatchLands() throws Exception {
    configMapExists();
    server.expect().patch().withPath(PATH).andReturn(409, status(409)).once();
    server.expect().patch().withPath(PATH).andReturn(429, status(429)).once();
    server.expect().patch().withPath(PATH).andReturn(503, status(503)).once();
    server.expect().patch().withPath(PATH).andReturn(200, new ConfigMapBuilder().withNewMetadata()
        .withName("quick-history").endMetadata().build()).once();

    new HistoryConfigMapWriter(client, "team-a", "quick-history")
        .finished(new History("quick"), RunState.SUCCEEDED, "done");

    assertThat(patchRequests()).isEqualTo(4);
  }

  @Test
  void aRefusalIsNotRetried() throws Exception {
    configMapExists();
    server.expect().patch().withPath(PATH).andReturn(403, status(403)).always();

    assertThatThrownBy(() -> new HistoryConfigMapWriter(client, "team-a", "quick-history")
        .finished(null, RunState.FAILED, "x"))
        .isInstanceOfSatisfying(KubernetesClientException.class,
            e -> assertThat(e.getCode()).isEqualTo(403));
    assertThat(patchRequests()).isEqualTo(1);
  }
}
