package io.flowersim.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.flowersim.api.v1alpha1.validation.FlowerSimulationValidator;
import io.flowersim.api.v1alpha1.validation.ValidationError;
import org.junit.jupiter.api.Test;

class FlowerSimulationTest {

  private static final YAMLMapper YAML = new YAMLMapper();

  private static final String OTHER_KIND = """
      apiVersion: ray.io/v1
      kind: RayJob
      metadata: {name: other}
      spec: {task: synthetic, rounds: 1, clients: {count: 2}}
      """;

  @Test
  void readingKeepsTheDeclaredApiVersionAndKindForTheValidator() throws Exception {
    FlowerSimulation sim = YAML.readValue(OTHER_KIND, FlowerSimulation.class);

    assertThat(sim.declaredApiVersion()).isEqualTo("ray.io/v1");
    assertThat(sim.declaredKind()).isEqualTo("RayJob");
    assertThat(FlowerSimulationValidator.validate(sim)).containsExactly(
        new ValidationError("apiVersion", "must be flowersim.io/v1alpha1, got \"ray.io/v1\""),
        new ValidationError("kind", "must be FlowerSimulation, got \"RayJob\""));
  }

  @Test
  void apiVersionAndKindStayOursForTheKubernetesClient() throws Exception {
    FlowerSimulation sim = YAML.readValue(OTHER_KIND, FlowerSimulation.class);

    assertThat(sim.getApiVersion()).isEqualTo(FlowerSimulation.API_VERSION);
    assertThat(sim.getKind()).isEqualTo(FlowerSimulation.KIND);
    assertThat(YAML.readTree(YAML.writeValueAsString(sim)).path("kind").asText())
        .isEqualTo("FlowerSimulation");
  }

  @Test
  void aDocumentWithoutApiVersionAndKindReadsAsOurs() throws Exception {
    FlowerSimulation sim = YAML.readValue(
        "metadata: {name: bare}\nspec: {task: synthetic, rounds: 1, clients: {count: 2}}\n",
        FlowerSimulation.class);

    assertThat(FlowerSimulationValidator.validate(sim)).isEmpty();
  }
}
