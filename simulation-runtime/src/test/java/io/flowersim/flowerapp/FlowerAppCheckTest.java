package io.flowersim.flowerapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What `flowersim validate` says of a spec.flowerApp, after importing it in the Python env. */
class FlowerAppCheckTest {

  private static final Path APPS = Path.of("src/test/resources/flowerapps").toAbsolutePath();

  private static FlowerApp app(String dir, String clientApp, Map<String, Object> runConfig,
      String initialArrays) {
    return new FlowerApp(APPS.resolve(dir), clientApp, runConfig, initialArrays);
  }

  @Test
  void usableAppsHaveNoProblems() {
    assertThat(FlowerAppCheck.problems(app("legacy", null, Map.of("step", 1), null))).isEmpty();
    assertThat(FlowerAppCheck.problems(app("message_api", "message_app.client_app:app",
        Map.of(), "message_app.client_app:initial_arrays"))).isEmpty();
  }

  @Test
  void aMissingPathIsNamed() {
    assertThat(FlowerAppCheck.problems(app("nowhere", null, Map.of(), null))).containsExactly(
        "spec.flowerApp.path: no such directory: " + APPS.resolve("nowhere"));
  }

  @Test
  void aDirectoryWithoutPyprojectIsNotAFlowerApp() {
    assertThat(FlowerAppCheck.problems(app("legacy/legacy_app", null, Map.of(), null)))
        .containsExactly("spec.flowerApp.path: " + APPS.resolve("legacy/legacy_app")
            + " has no pyproject.toml (a Flower App directory, as `flwr new` makes it)");
  }

  @Test
  void aPyprojectWithoutClientAppNeedsTheField() {
    assertThat(FlowerAppCheck.problems(app("no_clientapp", null, Map.of(), null)))
        .containsExactly("spec.flowerApp.clientApp: not set, and "
            + APPS.resolve("no_clientapp/pyproject.toml") + " has no clientapp in "
            + "[tool.flwr.app.components] (set clientApp: module:attribute)");
  }

  @Test
  void anImportErrorIsOneLineWithWhereItHappened() {
    assertThat(FlowerAppCheck.problems(app("broken", null, Map.of(), null))).containsExactly(
        "spec.flowerApp.clientApp: cannot import broken_app.client_app:app: ImportError: "
            + "broken_app needs a library that is not installed (broken_app/client_app.py:3)");
  }

  @Test
  void anObjectThatIsNotAClientAppIsRefused() {
    assertThat(FlowerAppCheck.problems(app("legacy", "legacy_app.client_app:client_fn",
        Map.of(), null))).containsExactly("spec.flowerApp.clientApp: "
            + "legacy_app.client_app:client_fn is a function, not a flwr.clientapp.ClientApp");
  }

  @Test
  void anUnknownRunConfigKeyIsNamedWithTheKnownOnes() {
    assertThat(FlowerAppCheck.problems(app("legacy", null, Map.of("stepp", 1), null)))
        .containsExactly("spec.flowerApp.runConfig.stepp: not a key of [tool.flwr.app.config] "
            + "in pyproject.toml (keys: step)");
  }

  @Test
  void aMessageApiAppNeedsItsInitialArrays() {
    assertThat(FlowerAppCheck.problems(app("message_api", null, Map.of(), null)))
        .singleElement().asString().startsWith("spec.flowerApp.initialArrays: required for "
            + "message_app.client_app:app, a ClientApp of the Message API");
  }

  @Test
  void anEvaluateFnMustImportAndBeCallable() {
    FlowerApp missing = new FlowerApp(APPS.resolve("message_api"), null, Map.of(),
        "message_app.client_app:initial_arrays", "message_app.central:missing");
    assertThat(FlowerAppCheck.problems(missing)).containsExactly("spec.flowerApp.evaluateFn: "
        + "cannot load message_app.central:missing: module 'message_app.central' has no "
        + "attribute 'missing'");
    FlowerApp notCallable = new FlowerApp(APPS.resolve("message_api"), null, Map.of(),
        "message_app.client_app:initial_arrays", "message_app.central:not_callable");
    assertThat(FlowerAppCheck.problems(notCallable)).containsExactly("spec.flowerApp.evaluateFn: "
        + "message_app.central:not_callable is not callable (Flower's evaluate_fn: "
        + "(server_round: int, arrays: ArrayRecord) -> MetricRecord)");
    FlowerApp usable = new FlowerApp(APPS.resolve("message_api"), null, Map.of(),
        "message_app.client_app:initial_arrays", "message_app.central:global_evaluate");
    assertThat(FlowerAppCheck.problems(usable)).isEmpty();
  }
}
