package io.flowersim.flowerapp;

import io.flowersim.api.v1alpha1.spec.ClientResources;
import io.flowersim.api.v1alpha1.spec.FlowerAppSpec;
import io.flowersim.engine.remote.PythonWire;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * spec.flowerApp as the workers get it: the app's directory (absolute), its ClientApp (null: the
 * pyproject's), run config, what makes its initial arrays (null: one client's get_parameters) and
 * its centralized evaluation (null: none).
 */
public record FlowerApp(Path directory, String clientApp, Map<String, Object> runConfig,
    String initialArrays, String evaluateFn) {

  public FlowerApp {
    runConfig = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(runConfig));
  }

  /** An app without centralized evaluation. */
  public FlowerApp(Path directory, String clientApp, Map<String, Object> runConfig,
      String initialArrays) {
    this(directory, clientApp, runConfig, initialArrays, null);
  }

  /** {@code spec}'s app, its path taken relative to the working directory if not absolute. */
  public static FlowerApp of(FlowerAppSpec spec) {
    Map<String, Object> config = new LinkedHashMap<>();
    if (spec.runConfig != null) {
      spec.runConfig.forEach((k, v) -> config.put(k, v == null ? null : v.getValue()));
    }
    return new FlowerApp(Path.of(spec.path).toAbsolutePath().normalize(), spec.clientApp,
        config, spec.initialArrays, spec.evaluateFn);
  }

  /**
   * HELLO: what each Python worker imports once, and the GPU memory each client may allocate
   * (null: no cap), which the worker sets before the import.
   */
  public byte[] hello(int numPartitions, Long gpuMemoryBytes) {
    return PythonWire.hello(directory.toString(), clientApp, runConfig, initialArrays,
        numPartitions, gpuMemoryBytes);
  }

  /** spec.clients.resources.gpuMemory in bytes, or null when not set. */
  public static Long gpuMemoryBytes(ClientResources perClient) {
    return perClient == null || perClient.gpuMemory == null ? null
        : perClient.gpuMemory.getNumericalAmount().longValue();
  }

  @Override
  public String toString() {
    return "Flower App " + directory + (clientApp == null ? "" : " (" + clientApp + ")");
  }
}
