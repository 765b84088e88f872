package io.flowersim.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.flowersim.api.v1alpha1.spec.NumberRange;
import io.flowersim.api.v1alpha1.spec.StrategyOption;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated CRD carries the validator's simple limits (OpenAPI bounds) and its cross-field
 * rules (CEL), so that the API server refuses what FlowerSimulationValidator refuses. A change to
 * an annotation that drops a limit fails here, not in a cluster.
 */
class CrdSchemaTest {

  private static JsonNode version;
  private static JsonNode spec;

  @BeforeAll
  static void readGeneratedCrd() throws IOException {
    JsonNode crd = new YAMLMapper().readTree(
        RepositoryFiles.crdsModule().resolve(RepositoryFiles.GENERATED_CRD).toFile());
    version = crd.at("/spec/versions/0");
    spec = version.at("/schema/openAPIV3Schema/properties/spec");
  }

  /**
   * The schema of a spec field, e.g. {@code clients.resources.cpus}; {@code []} steps into a
   * list's items, as in {@code cluster.workerGroups[].name}.
   */
  private static JsonNode field(String path) {
    JsonNode node = spec;
    for (String part : path.split("\\.")) {
      boolean items = part.endsWith("[]");
      node = node.path("properties").path(items ? part.substring(0, part.length() - 2) : part);
      if (items) {
        node = node.path("items");
      }
    }
    assertThat(node.isMissingNode()).as("schema of spec.%s", path).isFalse();
    return node;
  }

  private static void assertMinimum(String path, double minimum, boolean exclusive) {
    JsonNode node = field(path);
    assertThat(node.path("minimum").asDouble(Double.NaN)).as("minimum of spec.%s", path)
        .isEqualTo(minimum);
    assertThat(node.path("exclusiveMinimum").asBoolean(false))
        .as("exclusiveMinimum of spec.%s", path).isEqualTo(exclusive);
  }

  private static List<String> rules(JsonNode node) {
    List<String> rules = new ArrayList<>();
    node.path("x-kubernetes-validations").forEach(r -> rules.add(r.path("rule").asText()));
    return rules;
  }

  @Test
  void requiredFields() {
    assertThat(spec.path("required")).extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("rounds", "clients");
    assertThat(field("flowerApp").path("required")).extracting(JsonNode::asText)
        .containsExactly("path");
    assertThat(field("clients").path("required")).extracting(JsonNode::asText)
        .containsExactly("count");
    assertThat(field("cluster.workerGroups[]").path("required")).extracting(JsonNode::asText)
        .containsExactly("name");
  }

  @Test
  void integerLowerBounds() {
    assertMinimum("rounds", 1, false);
    assertMinimum("roundTimeoutSeconds", 1, false);
    assertMinimum("historyLimit", 0, false);
    assertMinimum("clients.count", 1, false);
    assertMinimum("clients.partitioning.shardsPerClient", 1, false);
    assertMinimum("strategy.minFitClients", 1, false);
    assertMinimum("strategy.minEvaluateClients", 1, false);
    assertMinimum("strategy.minAvailableClients", 1, false);
    assertMinimum("cluster.workerGroups[].replicas", 0, false);
    assertMinimum("cluster.workerGroups[].minReplicas", 0, false);
    assertMinimum("cluster.workerGroups[].maxReplicas", 0, false);
    assertMinimum("cluster.workerGroups[].gpus", 0, false);
  }

  @Test
  void onDivergenceIsStopOrContinue() {
    assertThat(field("onDivergence").path("enum")).extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("Stop", "Continue");
  }

  @Test
  void historyLimitHasAMaximum() {
    assertThat(field("historyLimit").path("maximum").asInt()).isEqualTo(100);
  }

  @Test
  void numberLowerBounds() {
    assertMinimum("clients.resources.cpus", 0.0001, false);
    assertMinimum("clients.resources.gpus", 0, false);
    assertMinimum("clients.partitioning.alpha", 0, true);
    assertMinimum("cluster.head.cpus", 0, true);
    assertMinimum("cluster.workerGroups[].cpus", 0, true);
  }

  @Test
  void fractionsAreInZeroOne() {
    for (String fraction : List.of("strategy.fractionFit", "strategy.fractionEvaluate")) {
      assertMinimum(fraction, 0, true);
      assertThat(field(fraction).path("maximum").asDouble()).isEqualTo(1.0);
    }
  }

  private static void assertMaximum(String path, double maximum, boolean exclusive) {
    JsonNode node = field(path);
    assertThat(node.path("maximum").asDouble(Double.NaN)).as("maximum of spec.%s", path)
        .isEqualTo(maximum);
    assertThat(node.path("exclusiveMaximum").asBoolean(false))
        .as("exclusiveMaximum of spec.%s", path).isEqualTo(exclusive);
  }

  /** Each option's bounds and description are what StrategyOption and StrategyName declare. */
  @Test
  void strategyOptionsHaveTheirDeclaredBoundsAndDescription() {
    for (StrategyOption option : StrategyOption.values()) {
      String path = "strategy." + option.jsonName();
      NumberRange range = option.range();
      assertMinimum(path, range.min(), !range.minInclusive());
      if (range.max() != null) {
        assertMaximum(path, range.max(), !range.maxInclusive());
      } else {
        assertThat(field(path).has("maximum")).as("maximum of spec.%s", path).isFalse();
      }
      assertThat(field(path).path("type").asText()).as("type of spec.%s", path)
          .isEqualTo(range.whole() ? "integer" : "number");
      assertThat(field(path).path("description").asText()).as("description of spec.%s", path)
          .isEqualTo(option.description());
    }
    assertThat(field("strategy.eta").path("description").asText()).isEqualTo("FedAdagrad, "
        + "FedAdam, FedYogi: server learning rate; a number > 0. Default 0.1 (FedYogi 0.01).");
    assertThat(field("strategy.numClientsToKeep").path("description").asText())
        .endsWith("; a whole number >= 1. Required.");
  }

  @Test
  void otherStrategyBounds() {
    assertMinimum("strategy.differentialPrivacy.noiseMultiplier", 0, false);
    assertMinimum("strategy.differentialPrivacy.clippingNorm", 0, true);
    assertMinimum("strategy.differentialPrivacy.numSampledClients", 1, false);
    // clippingNorm is required for fixed clipping only, by a CEL rule
    assertThat(field("strategy.differentialPrivacy").path("required"))
        .extracting(JsonNode::asText).containsExactlyInAnyOrder("noiseMultiplier");
    assertThat(field("strategy.differentialPrivacy").path("x-kubernetes-validations"))
        .extracting(rule -> rule.path("fieldPath").asText()).contains(".clippingNorm");
    assertMinimum("strategy.differentialPrivacy.targetClippedQuantile", 0, false);
    assertMaximum("strategy.differentialPrivacy.targetClippedQuantile", 1, false);
    assertMinimum("strategy.differentialPrivacy.clipNormLearningRate", 0, true);
    assertMinimum("strategy.differentialPrivacy.clippedCountStddev", 0, false);
    assertMinimum("clients.dropoutRate", 0, false);
    assertMaximum("clients.dropoutRate", 1, true);
  }

  @Test
  void strategyNamesAreFlowers() {
    assertThat(field("strategy.name").path("enum")).extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("FedAvg", "FedProx", "FedAvgM", "FedAdagrad", "FedAdam",
            "FedYogi", "FedMedian", "FedTrimmedAvg", "Krum", "MultiKrum", "Bulyan", "QFedAvg",
            "Scaffold");
    assertThat(field("strategy.name").path("description").asText()).isEqualTo("Strategy name: "
        + "FedAvg, FedProx, FedAvgM, FedAdagrad, FedAdam, FedYogi, FedMedian, FedTrimmedAvg, "
        + "Krum, MultiKrum, Bulyan, QFedAvg or Scaffold (Flower's strategies and its SCAFFOLD "
        + "baseline). Default FedAvg.");
  }

  @Test
  void fedProxAndMultiKrumRequireTheirSetting() {
    assertThat(rules(field("strategy"))).containsExactly(
        "!has(self.name) || self.name != 'FedProx' || has(self.proximalMu)",
        "!has(self.name) || self.name != 'MultiKrum' || has(self.numClientsToKeep)");
  }

  @Test
  void taskMustNotBeBlank() {
    assertThat(field("task").path("pattern").asText()).isEqualTo("\\S");
  }

  @Test
  void workerGroupNamesAreBoundedDnsLabels() {
    JsonNode name = field("cluster.workerGroups[].name");
    assertThat(name.path("pattern").asText()).isEqualTo("^[a-z0-9]([-a-z0-9]{0,28}[a-z0-9])?$");
    assertThat(name.path("maxLength").asInt()).isEqualTo(30);
  }

  @Test
  void workerGroupNamesAreUniqueInABoundedList() {
    JsonNode groups = field("cluster.workerGroups");
    assertThat(groups.path("maxItems").asInt()).isEqualTo(32);
    assertThat(rules(groups)).containsExactly("self.all(g, self.exists_one(h, h.name == g.name))");
  }

  @Test
  void minimumClientsDoNotExceedClientCount() {
    assertThat(rules(spec)).filteredOn(rule -> rule.contains("<= self.clients.count")).hasSize(3);
    assertThat(spec.path("x-kubernetes-validations")).extracting(r -> r.path("fieldPath").asText())
        .containsExactly(".strategy.minFitClients", ".strategy.minEvaluateClients",
            ".strategy.minAvailableClients", "");
  }

  @Test
  void exactlyOneOfTaskAndFlowerApp() {
    assertThat(rules(spec)).contains("has(self.task) != has(self.flowerApp)");
    assertThat(field("flowerApp.clientApp").path("pattern").asText())
        .isEqualTo(io.flowersim.api.v1alpha1.spec.FlowerAppSpec.OBJECT_REFERENCE_PATTERN);
    assertThat(field("flowerApp.evaluateFn").path("pattern").asText())
        .isEqualTo(io.flowersim.api.v1alpha1.spec.FlowerAppSpec.OBJECT_REFERENCE_PATTERN);
    assertThat(field("flowerApp.evaluateFn").path("description").asText())
        .contains("evaluate_fn", "(server_round: int, arrays: ArrayRecord) -> MetricRecord",
            "round 0");
  }

  @Test
  void replicasStayWithinTheirBounds() {
    assertThat(rules(field("cluster.workerGroups[]"))).containsExactly(
        "!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas",
        "!has(self.replicas) || !has(self.minReplicas) || self.replicas >= self.minReplicas",
        "!has(self.replicas) || !has(self.maxReplicas) || self.replicas <= self.maxReplicas");
  }

  @Test
  void gpusAboveOneAreWhole() {
    assertThat(rules(field("clients.resources"))).containsExactly(
        "!has(self.gpus) || self.gpus <= 1.0 || double(int(self.gpus)) == self.gpus");
  }

  @Test
  void printerColumnsAreGenerated() {
    // Fabric8 7.5.2 sorts the columns by jsonPath, so kubectl shows Age, Accuracy, Round, Loss,
    // Phase rather than DESIGN.md's Phase, Round, Loss, Accuracy, Age; no annotation changes that.
    assertThat(version.path("additionalPrinterColumns")).extracting(c -> c.path("name").asText())
        .containsExactlyInAnyOrder("Phase", "Round", "Loss", "Accuracy", "Age");
  }

  @Test
  void statusIsASubresource() {
    assertThat(version.at("/subresources/status").isObject()).isTrue();
  }
}
