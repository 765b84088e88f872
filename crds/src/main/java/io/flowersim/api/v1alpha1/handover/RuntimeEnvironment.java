package io.flowersim.api.v1alpha1.handover;

/** Environment variables the operator sets for io.flowersim.runtime.Main. */
public final class RuntimeEnvironment {

  /** The FlowerSimulation (apiVersion, kind, metadata name and namespace, spec) as JSON. */
  public static final String SIMULATION = "FLOWERSIM_SIMULATION";

  /** Name of the history ConfigMap the runtime patches after each round. */
  public static final String HISTORY_CONFIGMAP = "FLOWERSIM_HISTORY_CONFIGMAP";

  /** Namespace of the simulation and of its history ConfigMap. */
  public static final String NAMESPACE = "FLOWERSIM_NAMESPACE";

  /** Client engine backend: ray (in the cluster) or local (tests, one JVM). */
  public static final String BACKEND = "FLOWERSIM_BACKEND";

  /**
   * With spec.checkpoint.persistentVolumeClaim: the directory on the mounted claim that is this
   * simulation's, as flowersim run's --out DIR: checkpoints/ and history.json (every round). The
   * runtime creates it, continues after the newest checkpoint there, and writes new ones.
   */
  public static final String CHECKPOINT_DIR = "FLOWERSIM_CHECKPOINT_DIR";

  /** Ray's own variable: the cluster to join, auto inside a Ray pod. */
  public static final String RAY_ADDRESS = "RAY_ADDRESS";

  private RuntimeEnvironment() {}
}
