package io.flowersim.engine;

import io.flowersim.api.v1alpha1.spec.ClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many virtual clients fit at once: the smaller of CPUs / client CPUs and GPUs / client GPUs,
 * as Ray's resource-aware scheduling decides it (8 CPUs, cpus 1: 8; 1 GPU, gpus 0.25: 4), and at
 * most {@value #MAX_CLIENTS_PER_CPU} per engine CPU.
 */
public final class ClientConcurrency {

  /**
   * Each client at once is a thread (or a worker JVM) with its own copy of the model; a tiny
   * spec.clients.resources.cpus would otherwise ask for millions of them.
   */
  public static final int MAX_CLIENTS_PER_CPU = 100;

  private static final Logger LOG = LoggerFactory.getLogger(ClientConcurrency.class);

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
    long byResources = Math.min(byCpu, byGpu);
    long bound = Math.max(1, (long) Math.floor(engine.cpus() * MAX_CLIENTS_PER_CPU + EPSILON));
    if (byResources > bound) {
      LOG.warn("spec.clients.resources.cpus {} would let {} clients run at once on {} CPUs; "
          + "flowersim runs at most {} per CPU: {}", EngineResources.format(cpus), byResources,
          EngineResources.format(engine.cpus()), MAX_CLIENTS_PER_CPU, bound);
    }
    return (int) Math.max(1, Math.min(Math.min(byResources, bound), Integer.MAX_VALUE));
  }
}
