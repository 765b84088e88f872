package io.flowersim.engine;

import io.flowersim.api.v1alpha1.spec.ClientResources;

/**
 * How many virtual clients fit at once: the smaller of CPUs / client CPUs and GPUs / client GPUs,
 * as Ray's resource-aware scheduling decides it (8 CPUs, cpus 1: 8; 1 GPU, gpus 0.25: 4).
 */
public final class ClientConcurrency {

  // Ray's fractional resources are multiples of 1/10000; guards 0.3 / 0.1 = 2.9999999999999996.
  private static final double EPSILON = 1e-6;

  private ClientConcurrency() {}

  public static int slots(EngineResources engine, ClientResources perClient) {
    double cpus = perClient.cpusOrDefault();
    double gpus = perClient.gpusOrDefault();
    if (cpus > engine.cpus() + EPSILON) {
      throw new InsufficientResourcesException("spec.clients.resources.cpus",
          "each client needs " + EngineResources.format(cpus) + " CPUs but the engine has only "
              + EngineResources.format(engine.cpus()) + " (raise --cpus or lower the request)");
    }
    if (gpus > engine.gpus() + EPSILON) {
      throw new InsufficientResourcesException("spec.clients.resources.gpus",
          "each client needs " + EngineResources.format(gpus) + " GPUs but the engine has only "
              + EngineResources.format(engine.gpus()) + " (raise --gpus or lower the request)");
    }
    long byCpu = (long) Math.floor(engine.cpus() / cpus + EPSILON);
    long byGpu = gpus > 0 ? (long) Math.floor(engine.gpus() / gpus + EPSILON) : Long.MAX_VALUE;
    return (int) Math.max(1, Math.min(Math.min(byCpu, byGpu), Integer.MAX_VALUE));
  }
}
