package io.flowersim.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryJsonTest {

  @TempDir
  Path dir;

  private static RoundRecord record(int round, Double distributedLoss, Double centralizedLoss) {
    RoundRecord r = new RoundRecord();
    r.round = round;
    r.fitClients = 9;
    r.fitFailures = 1;
    r.evaluateClients = 5;
    r.evaluateFailures = 2;
    r.distributedLoss = distributedLoss;
    r.distributedMetrics.put("accuracy", 0.25 * round);
    r.distributedMetrics.put("fit_train_loss", 1.0 / 3);
    r.centralizedLoss = centralizedLoss;
    if (centralizedLoss != null) {
      r.centralizedMetrics.put("accuracy", 0.875);
    }
    r.durationSeconds = 1.5 + round;
    return r;
  }

  private static History history() {
    History h = new History("team-a/quickstart");
    History.InitialEvaluation initial = new History.InitialEvaluation();
    initial.centralizedLoss = 2.302585092994046;
    initial.centralizedMetrics.put("accuracy", 0.1);
    h.initial = initial;
    h.add(record(1, 1.25, 2.0));
    h.add(record(2, null, 1.5)); // no distributed evaluation in round 2
    h.add(record(3, 0.75, null)); // no centralized evaluation in round 3
    return h;
  }

  @Test
  void writeThenReadGivesEqualRecords() throws IOException {
    History written = history();
    Path file = dir.resolve("history.json");

    HistoryJson.write(written, file);
    History read = HistoryJson.read(file);

    assertThat(read.simulation).isEqualTo("team-a/quickstart");
    assertThat(read.rounds()).isEqualTo(written.rounds());
    assertThat(read.rounds().get(1).distributedLoss).isNull();
    assertThat(read.rounds().get(2).centralizedLoss).isNull();
    assertThat(read.rounds().get(2).centralizedMetrics).isEmpty();
    assertThat(read.rounds().get(0).distributedMetrics)
        .containsExactlyInAnyOrderEntriesOf(Map.of("accuracy", 0.25, "fit_train_loss", 1.0 / 3));
    assertThat(read.initial.centralizedLoss).isEqualTo(2.302585092994046);
    assertThat(read.initial.centralizedMetrics).containsExactly(Map.entry("accuracy", 0.1));
    assertThat(read.lossesCentralized()).extracting(p -> p[1])
        .containsExactly(2.302585092994046, 2.0, 1.5);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("history.json");
    }
  }

  @Test
  void writingReplacesAnEarlierFile() throws IOException {
    Path file = dir.resolve("history.json");
    History h = history();
    HistoryJson.write(h, file);
    h.add(record(4, 0.5, 0.5));

    HistoryJson.write(h, file);

    assertThat(HistoryJson.read(file).rounds()).hasSize(4);
  }

  @Test
  void theJsonUsesTheFieldNamesOfTheDesign() throws IOException {
    JsonNode json = new ObjectMapper().readTree(HistoryJson.toJson(history()));

    assertThat(fieldNames(json)).containsExactly("simulation", "initial", "rounds");
    assertThat(json.get("simulation").asText()).isEqualTo("team-a/quickstart");
    assertThat(json.get("rounds").isArray()).isTrue();
    assertThat(json.get("rounds")).hasSize(3);
    JsonNode first = json.get("rounds").get(0);
    assertThat(fieldNames(first)).containsExactly("round", "fitClients", "fitFailures",
        "evaluateClients", "evaluateFailures", "distributedLoss", "distributedMetrics",
        "centralizedLoss", "centralizedMetrics", "durationSeconds");
    assertThat(first.get("round").asInt()).isEqualTo(1);
    assertThat(first.get("fitClients").asInt()).isEqualTo(9);
    assertThat(first.get("fitFailures").asInt()).isEqualTo(1);
    assertThat(first.get("evaluateClients").asInt()).isEqualTo(5);
    assertThat(first.get("evaluateFailures").asInt()).isEqualTo(2);
    assertThat(first.get("distributedLoss").asDouble()).isEqualTo(1.25);
    assertThat(first.get("distributedMetrics").get("accuracy").asDouble()).isEqualTo(0.25);
    assertThat(first.get("centralizedLoss").asDouble()).isEqualTo(2.0);
    assertThat(first.get("centralizedMetrics").get("accuracy").asDouble()).isEqualTo(0.875);
    assertThat(first.get("durationSeconds").asDouble()).isEqualTo(2.5);
    // a loss that was not measured is left out, not written as 0
    JsonNode second = json.get("rounds").get(1);
    assertThat(second.has("distributedLoss")).isFalse();
    assertThat(json.get("initial").get("centralizedLoss").asDouble())
        .isEqualTo(2.302585092994046);
  }

  @Test
  void anUnknownTopLevelFieldIsRefused() {
    String json = "{\"simulation\": \"x\", \"rounds\": [], \"losses\": [1.0]}";

    assertThatThrownBy(() -> HistoryJson.fromJson(json))
        .isInstanceOf(IOException.class).hasMessageContaining("losses");
  }

  @Test
  void anUnknownRoundFieldIsRefused() {
    String json = "{\"simulation\": \"x\", \"rounds\": [{\"round\": 1, \"lossy\": 2}]}";

    assertThatThrownBy(() -> HistoryJson.fromJson(json))
        .isInstanceOf(IOException.class).hasMessageContaining("lossy");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
