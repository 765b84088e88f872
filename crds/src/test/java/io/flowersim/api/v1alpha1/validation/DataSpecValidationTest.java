package io.flowersim.api.v1alpha1.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.TestFlowerSimulations;
import io.flowersim.api.v1alpha1.spec.DataSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** spec.data: a claim mounted read-only into the Ray pods, at a path the image does not use. */
class DataSpecValidationTest {

  static FlowerSimulation withData(String claim, String mountPath) {
    FlowerSimulation sim = TestFlowerSimulations.full();
    sim.getSpec().data = new DataSpec();
    if (claim != null) {
      sim.getSpec().data.persistentVolumeClaim = new DataSpec.ClaimReference();
      sim.getSpec().data.persistentVolumeClaim.claimName = claim;
    }
    sim.getSpec().data.mountPath = mountPath;
    return sim;
  }

  @Test
  void aClaimAtTheDefaultOrAnOwnPathIsValid() {
    assertThat(FlowerSimulationValidator.validate(withData("fashion-mnist", null))).isEmpty();
    assertThat(FlowerSimulationValidator.validate(withData("fashion-mnist", "/datasets/fmnist")))
        .isEmpty();
    assertThat(withData("x", null).getSpec().data.mountPathOrDefault()).isEqualTo("/data");
  }

  @Test
  void theClaimIsRequiredAndMustBeAClaimName() {
    assertThat(FlowerSimulationValidator.validate(withData(null, null)))
        .containsExactly(new ValidationError("spec.data.persistentVolumeClaim",
            "is required"));
    assertThat(FlowerSimulationValidator.validate(withData("Fashion_MNIST", null)))
        .extracting(ValidationError::field).containsExactly("spec.data.persistentVolumeClaim.claimName");
  }

  @Test
  void aCheckpointClaimMustBeAClaimName() {
    FlowerSimulation sim = TestFlowerSimulations.full();
    sim.getSpec().checkpoint = new io.flowersim.api.v1alpha1.spec.CheckpointSpec();
    sim.getSpec().checkpoint.persistentVolumeClaim = new DataSpec.ClaimReference();
    sim.getSpec().checkpoint.persistentVolumeClaim.claimName = "fsim-checkpoints";
    assertThat(FlowerSimulationValidator.validate(sim)).isEmpty();
    sim.getSpec().checkpoint.persistentVolumeClaim.claimName = "Checkpoints_A";
    assertThat(FlowerSimulationValidator.validate(sim)).singleElement().satisfies(e -> {
      assertThat(e.field()).isEqualTo("spec.checkpoint.persistentVolumeClaim.claimName");
      assertThat(e.message()).contains("Checkpoints_A");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"data", "/", "/data/../etc", "/data:ro", "/data/./x"})
  void aMountPathMustBeAbsoluteAndPlain(String path) {
    assertThat(FlowerSimulationValidator.validate(withData("c", path)))
        .singleElement().satisfies(e -> {
          assertThat(e.field()).isEqualTo("spec.data.mountPath");
          assertThat(e.message()).startsWith("must be an absolute path of plain segments");
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"/opt", "/opt/flowersim/lib", "/tmp/data", "/home/ray", "/usr/share"})
  void aMountPathMustNotHideTheImage(String path) {
    assertThat(FlowerSimulationValidator.validate(withData("c", path)))
        .singleElement().satisfies(e -> {
          assertThat(e.field()).isEqualTo("spec.data.mountPath");
          assertThat(e.message()).startsWith("must be outside the image's own /")
              .contains(path);
        });
  }
}
