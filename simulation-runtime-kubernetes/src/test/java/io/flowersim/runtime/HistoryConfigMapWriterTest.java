package io.flowersim.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap.RunState;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.server.History;
import io.flowersim.server.HistoryJson;
import java.util.ArrayList;
import java.util.List;
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
  void aRestartKeepsThePreviousAttemptsHistoryAndSaysSoUntilTheEnd() throws Exception {
    History earlier = new History("quick");
    for (int round = 1; round <= 3; round++) {
      RoundRecord r = new RoundRecord();
      r.round = round;
      r.fitClients = 2;
      earlier.add(r);
    }
    String earlierJson = HistoryJson.toJson(earlier);
    server.expect().get().withPath(PATH).andReturn(200, new ConfigMapBuilder().withNewMetadata()
        .withName("quick-history").withNamespace("team-a").endMetadata()
        .addToData(HistoryConfigMap.HISTORY_KEY, earlierJson)
        .addToData(HistoryConfigMap.STATE_KEY, "running").build()).always();
    server.expect().patch().withPath(PATH).andReturn(200, new ConfigMapBuilder().withNewMetadata()
        .withName("quick-history").endMetadata().build()).always();

    HistoryConfigMapWriter writer = new HistoryConfigMapWriter(client, "team-a", "quick-history");
    History now = new History("quick");
    writer.started(now);
    RoundRecord first = new RoundRecord();
    first.round = 1;
    now.add(first);
    writer.roundFinished(first, now);

    List<JsonNode> patches = new ArrayList<>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      var request = server.takeRequest();
      if ("PATCH".equals(request.getMethod())) {
        patches.add(new ObjectMapper().readTree(request.getBody().readUtf8()).path("data"));
      }
    }
    assertThat(patches).hasSize(2);
    JsonNode start = patches.get(0);
    assertThat(start.path(HistoryConfigMap.PREVIOUS_ATTEMPT_KEY).asText()).isEqualTo(earlierJson);
    assertThat(HistoryJson.fromJson(start.path(HistoryConfigMap.HISTORY_KEY).asText()).rounds())
        .isEmpty();
    assertThat(start.path(HistoryConfigMap.MESSAGE_KEY).asText())
        .contains("previous attempt reached round 3").contains("started again from round 1");
    assertThat(patches.get(1).path(HistoryConfigMap.MESSAGE_KEY).asText())
        .isEqualTo(start.path(HistoryConfigMap.MESSAGE_KEY).asText());
    assertThat(patches.get(1).has(HistoryConfigMap.PREVIOUS_ATTEMPT_KEY)).isFalse();
  }

  @Test
  void aFirstStartHasNoPreviousAttemptAndNoMessage() throws Exception {
    configMapExists();
    server.expect().patch().withPath(PATH).andReturn(200, new ConfigMapBuilder().withNewMetadata()
        .withName("quick-history").endMetadata().build()).always();
    new HistoryConfigMapWriter(client, "team-a", "quick-history").started(new History("quick"));
    JsonNode data = null;
    for (int i = server.getRequestCount(); i > 0; i--) {
      var request = server.takeRequest();
      if ("PATCH".equals(request.getMethod())) {
        data = new ObjectMapper().readTree(request.getBody().readUtf8()).path("data");
      }
    }
    assertThat(data).isNotNull();
    assertThat(data.has(HistoryConfigMap.PREVIOUS_ATTEMPT_KEY)).isFalse();
    assertThat(data.path(HistoryConfigMap.MESSAGE_KEY).isNull()).isTrue();
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

  static History rounds(int n, int clientsPerRound) {
    History history = new History("long");
    for (int round = 1; round <= n; round++) {
      RoundRecord r = new RoundRecord();
      r.round = round;
      r.fitClients = clientsPerRound;
      r.centralizedLoss = 1.0 / round;
      List<Integer> ids = new ArrayList<>();
      for (int c = 0; c < clientsPerRound; c++) {
        ids.add(c);
      }
      r.fitClientsByNode.put("node-a", ids);
      history.add(r);
    }
    return history;
  }

  @Test
  void tenThousandRoundsKeepTheNewestInTheConfigMapAndSaySo() throws Exception {
    HistoryConfigMapWriter writer = new HistoryConfigMapWriter(client, "team-a", "quick-history",
        50, null);

    HistoryConfigMapWriter.Bounded bounded = writer.bounded(rounds(10_000, 10));

    History kept = HistoryJson.fromJson(bounded.json());
    assertThat(kept.rounds()).hasSize(50);
    assertThat(kept.rounds().get(0).round).isEqualTo(9_951);
    assertThat(kept.rounds().get(49).round).isEqualTo(10_000);
    JsonNode summary = new ObjectMapper().readTree(bounded.summary());
    assertThat(summary.get("rounds").asInt()).isEqualTo(10_000);
    assertThat(summary.get("roundsKept").asInt()).isEqualTo(50);
    assertThat(summary.get("note").asText()).isEqualTo("history.json keeps the newest 50 rounds; "
        + "the 9950 before are not kept (spec.checkpoint.persistentVolumeClaim keeps every round)");

    HistoryConfigMapWriter withStore = new HistoryConfigMapWriter(client, "team-a",
        "quick-history", 50, "the checkpoint claim ckpt");
    assertThat(new ObjectMapper().readTree(withStore.bounded(rounds(60, 1)).summary())
        .get("note").asText()).endsWith("every round is in the checkpoint claim ckpt");
    assertThat(new ObjectMapper().readTree(withStore.bounded(rounds(20, 1)).summary())
        .has("note")).isFalse();
  }

  @Test
  void roundsTooLargeTogetherAreCutToFitTheBudget() throws Exception {
    HistoryConfigMapWriter writer = new HistoryConfigMapWriter(client, "team-a", "quick-history",
        100, null);

    HistoryConfigMapWriter.Bounded bounded = writer.bounded(rounds(100, 5_000));

    assertThat(bounded.json().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(HistoryConfigMapWriter.HISTORY_BUDGET_BYTES);
    History kept = HistoryJson.fromJson(bounded.json());
    assertThat(kept.rounds()).isNotEmpty().hasSizeLessThan(100);
    assertThat(kept.rounds().get(kept.rounds().size() - 1).round).isEqualTo(100);
  }

  @Test
  void aHistoryTheApiServerRefusesIsReportedOnceAndTheRunStillEnds() throws Exception {
    configMapExists();
    server.expect().patch().withPath(PATH).andReturn(413, status(413)).once();
    server.expect().patch().withPath(PATH).andReturn(200, new ConfigMapBuilder().withNewMetadata()
        .withName("quick-history").endMetadata().build()).once();

    new HistoryConfigMapWriter(client, "team-a", "quick-history")
        .finished(rounds(3, 1), RunState.SUCCEEDED, "all 3 rounds completed");

    List<String> patches = new ArrayList<>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      var request = server.takeRequest();
      if ("PATCH".equals(request.getMethod())) {
        patches.add(request.getBody().readUtf8());
      }
    }
    assertThat(patches).hasSize(2);
    JsonNode second = new ObjectMapper().readTree(patches.get(1)).get("data");
    assertThat(second.has(HistoryConfigMap.HISTORY_KEY)).isFalse();
    assertThat(second.get(HistoryConfigMap.STATE_KEY).asText()).isEqualTo("succeeded");
    assertThat(second.get(HistoryConfigMap.MESSAGE_KEY).asText()).startsWith(
        "all 3 rounds completed; history.json not written to the ConfigMap (HTTP 413");
  }
}
