package io.flowersim.operator;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the operator decides for every simulation, from its environment (the Deployment sets
 * these; bin/flowersim-operator takes the defaults).
 *
 * @param runtimeImage image of the Ray head and workers when spec.image is empty
 * @param ttlSecondsAfterFinished how long KubeRay keeps a finished job's cluster (for logs)
 * @param provisioningSeconds time allowed, besides the rounds themselves, to pull images and
 *     start the cluster; with spec.rounds * roundTimeoutSeconds it makes the RayJob's
 *     activeDeadlineSeconds
 * @param runtimeCommand the Ray job's entrypoint: starts io.flowersim.runtime.Main in the image
 * @param namespaces namespaces to watch; empty means all
 * @param controllers the controllers' pods that a simulation's NetworkPolicy lets reach its Ray
 *     pods
 */
public record OperatorSettings(String runtimeImage, int ttlSecondsAfterFinished,
    int provisioningSeconds, String runtimeCommand, List<String> namespaces,
    ControllerPods controllers) {

  public static final String DEFAULT_RUNTIME_IMAGE = "flowersim/runtime:0.1.0";
  public static final int DEFAULT_TTL_SECONDS_AFTER_FINISHED = 300;
  public static final int DEFAULT_PROVISIONING_SECONDS = 1800;
  /**
   * The runtime image's entrypoint script (images/runtime/flowersim-runtime): runtime.Main with
   * the JVM options Ray Java needs, the class path and the code path of Ray's Java workers.
   */
  public static final String DEFAULT_RUNTIME_COMMAND = "/opt/flowersim/bin/flowersim-runtime";

  /** With the default controller pods (those of manifests/operator/ and KubeRay's installs). */
  public OperatorSettings(String runtimeImage, int ttlSecondsAfterFinished,
      int provisioningSeconds, String runtimeCommand, List<String> namespaces) {
    this(runtimeImage, ttlSecondsAfterFinished, provisioningSeconds, runtimeCommand, namespaces,
        ControllerPods.defaults());
  }

  public static OperatorSettings defaults() {
    return fromEnvironment(Map.of());
  }

  /**
   * FLOWERSIM_RUNTIME_IMAGE, FLOWERSIM_TTL_SECONDS_AFTER_FINISHED, FLOWERSIM_PROVISIONING_SECONDS,
   * FLOWERSIM_RUNTIME_COMMAND, FLOWERSIM_WATCH_NAMESPACES (comma-separated), and those of
   * {@link ControllerPods#fromEnvironment}.
   */
  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    return new OperatorSettings(
        env.getOrDefault("FLOWERSIM_RUNTIME_IMAGE", DEFAULT_RUNTIME_IMAGE),
        number(env, "FLOWERSIM_TTL_SECONDS_AFTER_FINISHED", DEFAULT_TTL_SECONDS_AFTER_FINISHED),
        number(env, "FLOWERSIM_PROVISIONING_SECONDS", DEFAULT_PROVISIONING_SECONDS),
        env.getOrDefault("FLOWERSIM_RUNTIME_COMMAND", DEFAULT_RUNTIME_COMMAND),
        Arrays.stream(env.getOrDefault("FLOWERSIM_WATCH_NAMESPACES", "").split(","))
            .map(String::strip).filter(s -> !s.isEmpty()).toList(),
        ControllerPods.fromEnvironment(env));
  }

  private static int number(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.strip());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + ": expected a whole number >= 0, got \"" + value
        + "\"");
  }
}
