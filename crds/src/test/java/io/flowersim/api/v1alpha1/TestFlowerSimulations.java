package io.flowersim.api.v1alpha1;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.flowersim.api.v1alpha1.spec.ClientResources;
import io.flowersim.api.v1alpha1.spec.ClientsSpec;
import io.flowersim.api.v1alpha1.spec.ClusterSpec;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.api.v1alpha1.spec.HeadGroupSpec;
import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.api.v1alpha1.spec.PartitioningType;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.api.v1alpha1.spec.StrategySpec;
import io.flowersim.api.v1alpha1.spec.WorkerGroupSpec;

/**
 * FlowerSimulations for tests, shared with the other modules through the crds test-jar. Each call
 * returns a new object that the caller may change.
 */
public final class TestFlowerSimulations {

  public static final String TEST_NAME = "fmnist-100";
  public static final String TEST_NAMESPACE = "team-a";

  private TestFlowerSimulations() {}

  /** The smallest valid simulation: a task, rounds and a client count. */
  public static FlowerSimulation minimal() {
    FlowerSimulation sim = new FlowerSimulation();
    sim.setMetadata(
        new ObjectMetaBuilder().withName(TEST_NAME).withNamespace(TEST_NAMESPACE).build());
    FlowerSimulationSpec spec = new FlowerSimulationSpec();
    spec.task = "synthetic";
    spec.rounds = 3;
    spec.clients = new ClientsSpec();
    spec.clients.count = 10;
    sim.setSpec(spec);
    return sim;
  }

  /** A valid simulation with every field set, as in DESIGN.md's example. */
  public static FlowerSimulation full() {
    FlowerSimulation sim = minimal();
    FlowerSimulationSpec spec = sim.getSpec();
    spec.task = "fashion-mnist-mlp";
    spec.taskConfig.put("learningRate", "0.05");
    spec.taskConfig.put("localEpochs", "1");
    spec.taskConfig.put("batchSize", "32");
    spec.image = "flowersim/runtime:0.1.0";
    spec.rounds = 10;
    spec.seed = 42L;
    spec.roundTimeoutSeconds = 600;
    spec.clients.count = 100;
    spec.clients.resources = resources(1.0, 0.25, "2Gi", "10Gi");
    spec.clients.partitioning = dirichlet(0.5);
    spec.clients.dropoutRate = 0.1;
    spec.strategy = fedAvg();
    spec.cluster = cluster();
    spec.queueName = "team-a-queue";
    spec.priorityClassName = "research-low";
    spec.suspend = false;
    spec.historyLimit = 50;
    return sim;
  }

  public static ClientResources resources(double cpus, double gpus, String memory,
      String gpuMemory) {
    ClientResources resources = new ClientResources();
    resources.cpus = cpus;
    resources.gpus = gpus;
    resources.memory = new Quantity(memory);
    resources.gpuMemory = new Quantity(gpuMemory);
    return resources;
  }

  public static PartitioningSpec dirichlet(double alpha) {
    PartitioningSpec partitioning = new PartitioningSpec();
    partitioning.type = PartitioningType.DIRICHLET;
    partitioning.alpha = alpha;
    partitioning.seed = 42L;
    partitioning.shardsPerClient = 2;
    return partitioning;
  }

  public static StrategySpec fedAvg() {
    StrategySpec strategy = new StrategySpec();
    strategy.name = StrategyName.FED_AVG;
    strategy.fractionFit = 0.1;
    strategy.fractionEvaluate = 0.05;
    strategy.minFitClients = 10;
    strategy.minEvaluateClients = 5;
    strategy.minAvailableClients = 100;
    strategy.acceptFailures = true;
    return strategy;
  }

  public static ClusterSpec cluster() {
    ClusterSpec cluster = new ClusterSpec();
    cluster.head = new HeadGroupSpec();
    cluster.head.cpus = 2.0;
    cluster.head.memory = new Quantity("8Gi");
    cluster.workerGroups.add(workerGroup("gpu"));
    return cluster;
  }

  public static WorkerGroupSpec workerGroup(String name) {
    WorkerGroupSpec group = new WorkerGroupSpec();
    group.name = name;
    group.replicas = 2;
    group.minReplicas = 0;
    group.maxReplicas = 4;
    group.cpus = 8.0;
    group.gpus = 1;
    group.memory = new Quantity("32Gi");
    group.nodeSelector.put("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");
    group.tolerations.add(new TolerationBuilder().withKey("nvidia.com/gpu").withOperator("Exists")
        .withEffect("NoSchedule").build());
    return group;
  }
}
