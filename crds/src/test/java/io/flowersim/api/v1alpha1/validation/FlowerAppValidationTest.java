package io.flowersim.api.v1alpha1.validation;

import static io.flowersim.api.v1alpha1.TestFlowerSimulations.minimal;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.AnyType;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.spec.DifferentialPrivacySide;
import io.flowersim.api.v1alpha1.spec.DifferentialPrivacySpec;
import io.flowersim.api.v1alpha1.spec.FlowerAppSpec;
import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.api.v1alpha1.spec.StrategySpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** spec.flowerApp: exactly one of it and spec.task; the fields a Flower App has no use for. */
class FlowerAppValidationTest {

  private static FlowerSimulation flowerApp() {
    FlowerSimulation sim = minimal();
    sim.getSpec().task = null;
    sim.getSpec().flowerApp = new FlowerAppSpec();
    sim.getSpec().flowerApp.path = "examples/flower-numpy";
    return sim;
  }

  private static List<ValidationError> errors(FlowerSimulation sim) {
    return FlowerSimulationValidator.validate(sim);
  }

  @Test
  void aFlowerAppInsteadOfATaskIsValid() {
    FlowerSimulation sim = flowerApp();
    sim.getSpec().flowerApp.clientApp = "flower_numpy.client_app:app";
    sim.getSpec().flowerApp.initialArrays = "flower_numpy.task:Net";
    sim.getSpec().flowerApp.evaluateFn = "flower_numpy.server_app:global_evaluate";
    sim.getSpec().flowerApp.runConfig = Map.of("local-epochs", new AnyType(2), "lr",
        new AnyType(0.1), "opt", new AnyType("sgd"), "shuffle", new AnyType(true));
    assertThat(errors(sim)).isEmpty();
  }

  @Test
  void bothTaskAndFlowerAppAreRefused() {
    FlowerSimulation sim = flowerApp();
    sim.getSpec().task = "synthetic";
    assertThat(errors(sim)).containsExactly(new ValidationError("spec.flowerApp",
        "exactly one of spec.task and spec.flowerApp, got both (task \"synthetic\")"));
  }

  @Test
  void neitherIsRefusedAsAMissingTask() {
    FlowerSimulation sim = flowerApp();
    sim.getSpec().flowerApp = null;
    assertThat(errors(sim)).containsExactly(new ValidationError("spec.task", "is required"));
  }

  @Test
  void pathIsRequired() {
    FlowerSimulation sim = flowerApp();
    sim.getSpec().flowerApp.path = " ";
    assertThat(errors(sim)).containsExactly(
        new ValidationError("spec.flowerApp.path", "must not be blank, got \" \""));
  }

  @Test
  void clientAppMustBeModuleColonAttribute() {
    FlowerSimulation sim = flowerApp();
    sim.getSpec().flowerApp.clientApp = "flower_numpy/client_app.py";
    sim.getSpec().flowerApp.initialArrays = "task:";
    sim.getSpec().flowerApp.evaluateFn = "task.global_evaluate";
    assertThat(errors(sim)).containsExactly(
        new ValidationError("spec.flowerApp.clientApp", "must be module:attribute (e.g. "
            + "my_app.client_app:app), got \"flower_numpy/client_app.py\""),
        new ValidationError("spec.flowerApp.initialArrays", "must be module:attribute (e.g. "
            + "my_app.client_app:app), got \"task:\""),
        new ValidationError("spec.flowerApp.evaluateFn", "must be module:attribute (e.g. "
            + "my_app.client_app:app), got \"task.global_evaluate\""));
  }

  @Test
  void runConfigValuesAreScalars() {
    FlowerSimulation sim = flowerApp();
    sim.getSpec().flowerApp.runConfig = Map.of("layers", new AnyType(List.of(1, 2)));
    assertThat(errors(sim)).containsExactly(new ValidationError(
        "spec.flowerApp.runConfig.layers",
        "must be a string, number or boolean (Flower's run config values), got a list"));
  }

  @Test
  void theTaskOnlyFieldsAreRefusedWithAFlowerApp() {
    FlowerSimulation sim = flowerApp();
    sim.getSpec().taskConfig = Map.of("learningRate", "0.1");
    sim.getSpec().clients.partitioning = new PartitioningSpec();
    assertThat(errors(sim)).extracting(ValidationError::field)
        .containsExactly("spec.taskConfig", "spec.clients.partitioning");
  }

  /** Both need the clients to run the runtime's own client-side code, which Python's do not. */
  @Test
  void scaffoldAndClientSideClippingAreRefusedWithAFlowerApp() {
    FlowerSimulation sim = flowerApp();
    sim.getSpec().strategy = new StrategySpec();
    sim.getSpec().strategy.name = StrategyName.SCAFFOLD;
    assertThat(errors(sim)).extracting(ValidationError::field).containsExactly("spec.strategy.name");

    sim.getSpec().strategy.name = StrategyName.FED_AVG;
    sim.getSpec().strategy.differentialPrivacy = new DifferentialPrivacySpec();
    sim.getSpec().strategy.differentialPrivacy.noiseMultiplier = 0.0;
    sim.getSpec().strategy.differentialPrivacy.clippingNorm = 1.0;
    sim.getSpec().strategy.differentialPrivacy.side = DifferentialPrivacySide.CLIENT;
    assertThat(errors(sim)).extracting(ValidationError::field)
        .containsExactly("spec.strategy.differentialPrivacy.side");
    sim.getSpec().strategy.differentialPrivacy.side = DifferentialPrivacySide.SERVER;
    assertThat(errors(sim)).isEmpty();
  }
}
