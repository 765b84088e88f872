package io.flowersim.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.flowersim.api.v1alpha1.validation.FlowerSimulationValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every YAML under examples/ is a FlowerSimulation that reads strictly (no unknown fields) and
 * passes the validator, so the examples that users copy always work. examples/cluster-setup/
 * holds the cluster objects those examples need (PriorityClasses, Kueue queues, a claim); the
 * operator's RealNodeIT applies them to a real API server.
 */
class ExamplesTest {

  private static final ObjectMapper YAML = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private static Path examplesDir() {
    return RepositoryFiles.repositoryRoot().resolve("examples");
  }

  private static List<Path> exampleFiles() throws IOException {
    Path dir = examplesDir();
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    Path setup = dir.resolve("cluster-setup");
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(f -> !f.startsWith(setup))
          .filter(f -> f.getFileName().toString().endsWith(".yaml")
              || f.getFileName().toString().endsWith(".yml"))
          .sorted()
          .toList();
    }
  }

  @Test
  void examplesDirectoryIsAbsentOrHasExamples() throws IOException {
    if (Files.exists(examplesDir())) {
      assertThat(exampleFiles()).as("YAML files under %s", examplesDir()).isNotEmpty();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyExampleReadsStrictlyAndIsValid() throws IOException {
    Path root = RepositoryFiles.repositoryRoot();
    return exampleFiles().stream()
        .map(file -> dynamicTest(root.relativize(file).toString(), () -> checkExample(file)));
  }

  @Test
  void examplesAreReadStrictly(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("typo.yaml");
    Files.writeString(file, """
        apiVersion: flowersim.io/v1alpha1
        kind: FlowerSimulation
        metadata: {name: typo}
        spec: {task: synthetic, rounds: 1, clients: {count: 2}, round: 3}
        """);
    assertThatThrownBy(() -> checkExample(file))
        .isInstanceOf(UnrecognizedPropertyException.class)
        .hasMessageContaining("\"round\"");
  }

  private static void checkExample(Path file) throws IOException {
    List<FlowerSimulation> documents;
    try (MappingIterator<FlowerSimulation> it =
        YAML.readerFor(FlowerSimulation.class).readValues(file.toFile())) {
      documents = it.readAll();
    }
    assertThat(documents).as("FlowerSimulation documents in %s", file).isNotEmpty();
    for (FlowerSimulation sim : documents) {
      assertThat(FlowerSimulationValidator.validate(sim))
          .as("validation errors in %s", file)
          .isEmpty();
    }
  }
}
