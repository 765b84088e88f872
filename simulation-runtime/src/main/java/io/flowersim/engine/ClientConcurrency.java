package io.flowersim.engine;

import io.flowersim.api.v1alpha1.spec.ClientResources;
import java.util.List;
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

  /**
   * How many clients of each group run at once when the groups share {@code engine}: each group's
   * slots in proportion to its client count, as far as the resources go, so that each group runs
   * about the same share of its clients at once and no group waits on another at the end of a
   * round; every group gets at least one, and none more than it would get alone or has clients.
   *
   * @throws InsufficientResourcesException naming the group whose client does not fit alone, or
   *     spec.clients.groups when one client of every group at once does not fit
   */
  public static int[] slots(EngineResources engine, List<ClientGroups.Group> groups) {
    int n = groups.size();
    int[] alone = new int[n];
    double minCpus = 0;
    double minGpus = 0;
    for (int g = 0; g < n; g++) {
      ClientGroups.Group group = groups.get(g);
      try {
        alone[g] = Math.min(slots(engine, group.resources()), group.count());
      } catch (InsufficientResourcesException e) {
        String field = e.field().replace("spec.clients.resources",
            "spec.clients.groups[" + group.index() + "].resources");
        throw new InsufficientResourcesException(field, "group " + group.name() + ": "
            + e.getMessage().substring(e.field().length() + 2));
      }
      minCpus += group.resources().cpusOrDefault();
      minGpus += group.resources().gpusOrDefault();
    }
    if (n == 1) {
      return alone;
    }
    if (minCpus > engine.cpus() + EPSILON || minGpus > engine.gpus() + EPSILON) {
      throw new InsufficientResourcesException("spec.clients.groups", "one client of every "
          + "group at once needs " + EngineResources.format(minCpus) + " CPUs and "
          + EngineResources.format(minGpus) + " GPUs but the engine has only " + engine
          + " (raise --cpus/--gpus or lower the groups' resources)");
    }
    int[] slots = new int[n];
    java.util.Arrays.fill(slots, 1);
    double cpus = engine.cpus() - minCpus;
    double gpus = engine.gpus() - minGpus;
    while (true) {
      int next = -1;
      for (int g = 0; g < n; g++) {
        ClientResources r = groups.get(g).resources();
        boolean fits = slots[g] < alone[g] && r.cpusOrDefault() <= cpus + EPSILON
            && r.gpusOrDefault() <= gpus + EPSILON;
        // The group running the smallest share of its clients at once goes first.
        if (fits && (next < 0 || (double) slots[g] / groups.get(g).count()
            < (double) slots[next] / groups.get(next).count())) {
          next = g;
        }
      }
      if (next < 0) {
        return slots;
      }
      slots[next]++;
      cpus -= groups.get(next).resources().cpusOrDefault();
      gpus -= groups.get(next).resources().gpusOrDefault();
    }
  }
}
