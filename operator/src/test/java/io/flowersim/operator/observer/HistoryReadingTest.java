package io.flowersim.operator.observer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap;
import io.flowersim.api.v1alpha1.status.FlowerSimulationStatus;
import org.junit.jupiter.api.Test;

class HistoryReadingTest {

  /**
   * A runtime that wrote NaN as Jackson does by default (a string) must not make status.rounds
   * carry it: status fields are typed numbers and the API server would refuse every patch.
   */
  @Test
  void nonFiniteLossesFromTheHistoryBecomeAbsentAndNamed() throws Exception {
    String history = "{\"simulation\": \"x\", \"rounds\": [{\"round\": 1, \"centralizedLoss\": "
        + "\"NaN\", \"distributedLoss\": 0.5, \"centralizedMetrics\": {\"accuracy\": "
        + "\"Infinity\"}}]}";
    HistoryReading reading = HistoryReading.of(new ConfigMapBuilder()
        .addToData(HistoryConfigMap.HISTORY_KEY, history).build());

    assertThat(reading.problem()).isNull();
    assertThat(reading.rounds()).singleElement().satisfies(r -> {
      assertThat(r.centralizedLoss).isNull();
      assertThat(r.distributedLoss).isEqualTo(0.5);
      assertThat(r.centralizedMetrics).isEmpty();
      assertThat(r.nonFinite).containsEntry("centralizedLoss", "NaN")
          .containsEntry("centralizedMetrics.accuracy", "Infinity");
    });
    FlowerSimulationStatus status = new FlowerSimulationStatus();
    status.rounds.addAll(reading.rounds());
    ObjectMapper json = new ObjectMapper();
    var patched = json.readTree(json.writeValueAsString(status)).path("rounds").get(0);
    assertThat(patched.has("centralizedLoss")).isFalse();
    assertThat(patched.path("distributedLoss").isNumber()).isTrue();
  }
}
