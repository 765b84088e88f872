package io.flowersim.api.v1alpha1.validation;

import static io.flowersim.api.v1alpha1.TestFlowerSimulations.full;
import static io.flowersim.api.v1alpha1.TestFlowerSimulations.minimal;
import static io.flowersim.api.v1alpha1.TestFlowerSimulations.workerGroup;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.api.v1alpha1.spec.ClassAssignment;
import io.flowersim.api.v1alpha1.spec.ClientResources;
import io.flowersim.api.v1alpha1.spec.ClusterSpec;
import io.flowersim.api.v1alpha1.spec.DifferentialPrivacyClipping;
import io.flowersim.api.v1alpha1.spec.DifferentialPrivacySpec;
import io.flowersim.api.v1alpha1.spec.HeadGroupSpec;
import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.api.v1alpha1.spec.PartitioningType;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.api.v1alpha1.spec.ClientGroupSpec;
import io.flowersim.api.v1alpha1.spec.StrategySpec;
import io.flowersim.api.v1alpha1.spec.WorkerGroupSpec;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FlowerSimulationValidatorTest {

  /** Asserts that validation finds exactly this one error. */
  private static void assertOnlyError(FlowerSimulation sim, String field, String message) {
    assertThat(FlowerSimulationValidator.validate(sim))
        .containsExactly(new ValidationError(field, message));
  }

  private static void assertValid(FlowerSimulation sim) {
    assertThat(FlowerSimulationValidator.validate(sim)).isEmpty();
  }

  @Test
  void fullSimulationIsValid() {
    assertValid(full());
  }

  @Test
  void minimalSimulationIsValid() {
    assertValid(minimal());
  }

  @Test
  void errorPrintsAsFieldThenMessage() {
    assertThat(new ValidationError("spec.strategy.fractionFit", "must be in (0, 1], got 1.5"))
        .hasToString("spec.strategy.fractionFit: must be in (0, 1], got 1.5");
  }

  @Test
  void nullSimulationIsAnErrorNotAnException() {
    assertThat(FlowerSimulationValidator.validate(null))
        .containsExactly(
            new ValidationError("(document)", "must be a FlowerSimulation, got nothing"));
  }

  @Test
  void reportsAllErrorsTogetherInFieldOrder() {
    FlowerSimulation sim = full();
    sim.setKind("Simulation");
    sim.getSpec().rounds = 0;
    sim.getSpec().clients.resources.cpus = -1.0;
    sim.getSpec().strategy.fractionFit = 1.5;
    sim.getSpec().cluster.workerGroups.get(0).name = "GPU";

    assertThat(FlowerSimulationValidator.validate(sim)).extracting(ValidationError::toString)
        .containsExactly(
            "kind: must be FlowerSimulation, got \"Simulation\"",
            "spec.rounds: must be at least 1, got 0",
            "spec.clients.resources.cpus: must be greater than 0, got -1",
            "spec.strategy.fractionFit: must be in (0, 1], got 1.5",
            "spec.cluster.workerGroups[0].name: must be lowercase letters, digits and '-', "
                + "starting and ending with a letter or digit, at most 30 characters, got "
                + "\"GPU\"");
  }

  @Test
  void returnedListIsUnmodifiable() {
    List<ValidationError> errors = FlowerSimulationValidator.validate(minimal());
    assertThat(errors).isUnmodifiable();
  }

  @Nested
  class Resource {

    @Test
    void apiVersionMustBeFlowersimV1alpha1() {
      FlowerSimulation sim = minimal();
      sim.setApiVersion("flowersim.io/v1");
      assertOnlyError(sim, "apiVersion", "must be flowersim.io/v1alpha1, got \"flowersim.io/v1\"");
    }

    @Test
    void apiVersionIsRequired() {
      FlowerSimulation sim = minimal();
      sim.setApiVersion(null);
      assertOnlyError(sim, "apiVersion", "must be flowersim.io/v1alpha1, got nothing");
    }

    @Test
    void kindMustBeFlowerSimulation() {
      FlowerSimulation sim = minimal();
      sim.setKind("RayJob");
      assertOnlyError(sim, "kind", "must be FlowerSimulation, got \"RayJob\"");
    }

    @Test
    void nameIsRequired() {
      FlowerSimulation sim = minimal();
      sim.getMetadata().setName(null);
      assertOnlyError(sim, "metadata.name", "is required");
    }

    @Test
    void metadataIsRequired() {
      FlowerSimulation sim = minimal();
      sim.setMetadata(null);
      assertOnlyError(sim, "metadata.name", "is required");
    }

    @Test
    void nameMustBeDnsSubdomain() {
      FlowerSimulation sim = minimal();
      sim.getMetadata().setName("FMNIST_100");
      assertOnlyError(sim, "metadata.name", "must be a DNS-1123 subdomain (lowercase letters, "
          + "digits, '-' and '.', starting and ending with a letter or digit), got \"FMNIST_100\"");
    }

    @Test
    void nameMayHaveDots() {
      FlowerSimulation sim = minimal();
      sim.getMetadata().setName("fmnist.run-1");
      assertValid(sim);
    }

    @Test
    void nameMustBeAtMost253Characters() {
      FlowerSimulation sim = minimal();
      sim.getMetadata().setName("a".repeat(254));
      assertOnlyError(sim, "metadata.name", "must be at most 253 characters, got 254");
    }

    @Test
    void specIsRequired() {
      FlowerSimulation sim = minimal();
      sim.setSpec(null);
      assertOnlyError(sim, "spec", "is required");
    }
  }

  @Nested
  class Spec {

    @Test
    void taskIsRequired() {
      FlowerSimulation sim = minimal();
      sim.getSpec().task = null;
      assertOnlyError(sim, "spec.task", "is required");
    }

    @Test
    void taskMustNotBeBlank() {
      FlowerSimulation sim = minimal();
      sim.getSpec().task = "  ";
      assertOnlyError(sim, "spec.task", "must not be blank, got \"  \"");
    }

    @Test
    void roundsIsRequired() {
      FlowerSimulation sim = minimal();
      sim.getSpec().rounds = null;
      assertOnlyError(sim, "spec.rounds", "is required");
    }

    @Test
    void roundsMustBeAtLeastOne() {
      FlowerSimulation sim = minimal();
      sim.getSpec().rounds = 0;
      assertOnlyError(sim, "spec.rounds", "must be at least 1, got 0");
    }

    @Test
    void seedMayBeAnyNumber() {
      FlowerSimulation sim = minimal();
      sim.getSpec().seed = Long.MIN_VALUE;
      assertValid(sim);
    }

    @Test
    void roundTimeoutSecondsMustBeAtLeastOne() {
      FlowerSimulation sim = minimal();
      sim.getSpec().roundTimeoutSeconds = 0;
      assertOnlyError(sim, "spec.roundTimeoutSeconds", "must be at least 1, got 0");
    }

    @Test
    void historyLimitMustNotBeNegative() {
      FlowerSimulation sim = minimal();
      sim.getSpec().historyLimit = -1;
      assertOnlyError(sim, "spec.historyLimit", "must be at least 0, got -1");
    }

    /** status.rounds must fit in one object; the ConfigMap keeps every round. */
    @Test
    void historyLimitHasAMaximum() {
      FlowerSimulation sim = minimal();
      sim.getSpec().historyLimit = FlowerSimulationSpec.MAX_HISTORY_LIMIT + 1;
      assertOnlyError(sim, "spec.historyLimit", "must be at most 100 (status.rounds must stay "
          + "under the API server's object size limit; every round is in the history ConfigMap), "
          + "got 101");
      sim.getSpec().historyLimit = FlowerSimulationSpec.MAX_HISTORY_LIMIT;
      assertValid(sim);
    }

    @Test
    void historyLimitMayBeZero() {
      FlowerSimulation sim = minimal();
      sim.getSpec().historyLimit = 0;
      assertValid(sim);
    }
  }

  @Nested
  class Clients {

    @Test
    void clientsIsRequired() {
      FlowerSimulation sim = minimal();
      sim.getSpec().clients = null;
      assertOnlyError(sim, "spec.clients", "is required");
    }

    @Test
    void countIsRequired() {
      FlowerSimulation sim = minimal();
      sim.getSpec().clients.count = null;
      assertOnlyError(sim, "spec.clients.count", "is required");
    }

    @Test
    void countMustBeAtLeastOne() {
      FlowerSimulation sim = minimal();
      sim.getSpec().clients.count = 0;
      assertOnlyError(sim, "spec.clients.count", "must be at least 1, got 0");
    }

    @Test
    void cpusMustBeGreaterThanZero() {
      FlowerSimulation sim = full();
      sim.getSpec().clients.resources.cpus = 0.0;
      assertOnlyError(sim, "spec.clients.resources.cpus", "must be greater than 0, got 0");
    }

    /** Threads are not free, and Ray has no share below 1/10000. */
    @Test
    void cpusAndGpusBelowRaysSmallestShareAreRefused() {
      FlowerSimulation sim = full();
      sim.getSpec().clients.resources.cpus = 1e-9;
      assertOnlyError(sim, "spec.clients.resources.cpus", "must be at least 0.0001 (Ray's smallest "
          + "share of a resource), got 1e-9");
      sim.getSpec().clients.resources.cpus = 1.0;
      sim.getSpec().clients.resources.gpus = 1e-5;
      assertOnlyError(sim, "spec.clients.resources.gpus", "must be at least 0.0001 (Ray's smallest "
          + "share of a resource), got 0.00001");
    }

    @Test
    void cpusMayBeFractional() {
      FlowerSimulation sim = full();
      sim.getSpec().clients.resources.cpus = 1.5;
      assertValid(sim);
    }

    @Test
    void gpusMustNotBeNegative() {
      FlowerSimulation sim = full();
      sim.getSpec().clients.resources.gpus = -0.5;
      assertOnlyError(sim, "spec.clients.resources.gpus", "must be at least 0, got -0.5");
    }

    @Test
    void gpusAboveOneMustBeWhole() {
      FlowerSimulation sim = full();
      sim.getSpec().clients.resources.gpus = 1.5;
      assertOnlyError(sim, "spec.clients.resources.gpus", "must be a whole number when above 1 "
          + "(Ray allows fractional GPUs only below 1), got 1.5");
    }

    @Test
    void gpusMayBeAFractionBelowOneOrWholeAboveIt() {
      for (double gpus : new double[] {0, 0.25, 1, 2}) {
        FlowerSimulation sim = full();
        sim.getSpec().clients.resources.gpus = gpus;
        assertValid(sim);
      }
    }

    @Test
    void memoryMustBeAQuantity() {
      FlowerSimulation sim = full();
      sim.getSpec().clients.resources.memory = new Quantity("2", "Gb");
      assertOnlyError(sim, "spec.clients.resources.memory", "must be a non-negative Kubernetes "
          + "quantity such as 2Gi, 512Mi or 1.5G, got \"2Gb\"");
    }

    @Test
    void memoryMustNotBeNegative() {
      FlowerSimulation sim = full();
      sim.getSpec().clients.resources.memory = new Quantity("-1Gi");
      assertOnlyError(sim, "spec.clients.resources.memory", "must be a non-negative Kubernetes "
          + "quantity such as 2Gi, 512Mi or 1.5G, got \"-1Gi\"");
    }

    @Test
    void gpuMemoryMustBeAQuantity() {
      FlowerSimulation sim = full();
      sim.getSpec().clients.resources.gpuMemory = new Quantity("ten", "Gi");
      assertOnlyError(sim, "spec.clients.resources.gpuMemory", "must be a non-negative Kubernetes "
          + "quantity such as 2Gi, 512Mi or 1.5G, got \"tenGi\"");
    }

    @Test
    void quantitiesInEveryKubernetesFormAreValid() {
      for (String memory : new String[] {"0", "2Gi", "512Mi", "1.5G", "1e9", "500m", "2048"}) {
        FlowerSimulation sim = full();
        sim.getSpec().clients.resources.memory = new Quantity(memory);
        assertValid(sim);
      }
    }

    @Test
    void emptyResourcesAreValid() {
      FlowerSimulation sim = minimal();
      sim.getSpec().clients.resources = new ClientResources();
      sim.getSpec().clients.partitioning = new PartitioningSpec();
      assertValid(sim);
    }

    @Test
    void alphaMustBeGreaterThanZero() {
      FlowerSimulation sim = full();
      sim.getSpec().clients.partitioning.alpha = 0.0;
      assertOnlyError(sim, "spec.clients.partitioning.alpha", "must be greater than 0, got 0");
    }

    @Test
    void shardsPerClientMustBeAtLeastOne() {
      FlowerSimulation sim = full();
      sim.getSpec().clients.partitioning.shardsPerClient = 0;
      assertOnlyError(sim, "spec.clients.partitioning.shardsPerClient",
          "must be at least 1, got 0");
    }

    @Test
    void pathologicalNeedsClassesPerClientWhichOnlyItTakes() {
      FlowerSimulation sim = minimal();
      sim.getSpec().clients.partitioning = new PartitioningSpec();
      sim.getSpec().clients.partitioning.type = PartitioningType.PATHOLOGICAL;
      assertOnlyError(sim, "spec.clients.partitioning.classesPerClient", "is required");
      sim.getSpec().clients.partitioning.classesPerClient = 2;
      sim.getSpec().clients.partitioning.classAssignment = ClassAssignment.FIRST_DETERMINISTIC;
      assertValid(sim);

      sim.getSpec().clients.partitioning.type = PartitioningType.LINEAR;
      assertThat(FlowerSimulationValidator.validate(sim)).containsExactly(
          new ValidationError("spec.clients.partitioning.classesPerClient",
              "applies only to partitioning type pathological"),
          new ValidationError("spec.clients.partitioning.classAssignment",
              "applies only to partitioning type pathological"));
    }

    @Test
    void partitionSizesAreOnePerClientEachAtLeastOne() {
      FlowerSimulation sim = minimal();
      int clients = sim.getSpec().clients.count;
      sim.getSpec().clients.partitioning = new PartitioningSpec();
      sim.getSpec().clients.partitioning.type = PartitioningType.SIZE;
      assertOnlyError(sim, "spec.clients.partitioning.partitionSizes", "is required");

      sim.getSpec().clients.partitioning.partitionSizes = List.of(5, 5);
      assertOnlyError(sim, "spec.clients.partitioning.partitionSizes", "must have one size per "
          + "client, spec.clients.count (" + clients + "), got 2");

      List<Integer> sizes = new java.util.ArrayList<>(java.util.Collections.nCopies(clients, 5));
      sizes.set(1, 0);
      sim.getSpec().clients.partitioning.partitionSizes = sizes;
      assertOnlyError(sim, "spec.clients.partitioning.partitionSizes[1]", "must be at least 1, "
          + "got 0");

      sizes.set(1, 5);
      sim.getSpec().clients.partitioning.type = PartitioningType.INNER_DIRICHLET;
      assertValid(sim);
      sim.getSpec().clients.partitioning.type = PartitioningType.EXPONENTIAL;
      assertOnlyError(sim, "spec.clients.partitioning.partitionSizes",
          "applies only to partitioning type inner-dirichlet and size");
    }

    @Test
    void dropoutRateMustBeBelowOne() {
      FlowerSimulation sim = full();
      sim.getSpec().clients.dropoutRate = 1.0;
      assertOnlyError(sim, "spec.clients.dropoutRate", "must be in [0, 1), got 1");
    }

    @Test
    void dropoutRateMustNotBeNegative() {
      FlowerSimulation sim = full();
      sim.getSpec().clients.dropoutRate = -0.1;
      assertOnlyError(sim, "spec.clients.dropoutRate", "must be in [0, 1), got -0.1");
    }

    @Test
    void dropoutRateMayBeZero() {
      FlowerSimulation sim = full();
      sim.getSpec().clients.dropoutRate = 0.0;
      assertValid(sim);
    }
  }

  @Nested
  class Strategy {

    @Test
    void fractionFitMustBeAtMostOne() {
      FlowerSimulation sim = full();
      sim.getSpec().strategy.fractionFit = 1.5;
      assertOnlyError(sim, "spec.strategy.fractionFit", "must be in (0, 1], got 1.5");
    }

    @Test
    void fractionFitMustBeAboveZero() {
      FlowerSimulation sim = full();
      sim.getSpec().strategy.fractionFit = 0.0;
      assertOnlyError(sim, "spec.strategy.fractionFit", "must be in (0, 1], got 0");
    }

    @Test
    void fractionsMayBeOne() {
      FlowerSimulation sim = full();
      sim.getSpec().strategy.fractionFit = 1.0;
      sim.getSpec().strategy.fractionEvaluate = 1.0;
      assertValid(sim);
    }

    @Test
    void fractionEvaluateMustBeInZeroOne() {
      FlowerSimulation sim = full();
      sim.getSpec().strategy.fractionEvaluate = -0.1;
      assertOnlyError(sim, "spec.strategy.fractionEvaluate", "must be in (0, 1], got -0.1");
    }

    @Test
    void minFitClientsMustBeAtLeastOne() {
      FlowerSimulation sim = full();
      sim.getSpec().strategy.minFitClients = 0;
      assertOnlyError(sim, "spec.strategy.minFitClients", "must be at least 1, got 0");
    }

    @Test
    void minFitClientsMustNotExceedClientCount() {
      FlowerSimulation sim = full();
      sim.getSpec().strategy.minFitClients = 101;
      assertOnlyError(sim, "spec.strategy.minFitClients",
          "must be at most spec.clients.count (100), got 101");
    }

    @Test
    void minEvaluateClientsMustBeAtLeastOne() {
      FlowerSimulation sim = full();
      sim.getSpec().strategy.minEvaluateClients = 0;
      assertOnlyError(sim, "spec.strategy.minEvaluateClients", "must be at least 1, got 0");
    }

    @Test
    void minEvaluateClientsMustNotExceedClientCount() {
      FlowerSimulation sim = full();
      sim.getSpec().strategy.minEvaluateClients = 200;
      assertOnlyError(sim, "spec.strategy.minEvaluateClients",
          "must be at most spec.clients.count (100), got 200");
    }

    @Test
    void minAvailableClientsMustBeAtLeastOne() {
      FlowerSimulation sim = full();
      sim.getSpec().strategy.minAvailableClients = -3;
      assertOnlyError(sim, "spec.strategy.minAvailableClients", "must be at least 1, got -3");
    }

    @Test
    void minAvailableClientsMustNotExceedClientCount() {
      FlowerSimulation sim = full();
      sim.getSpec().strategy.minAvailableClients = 1000;
      assertOnlyError(sim, "spec.strategy.minAvailableClients",
          "must be at most spec.clients.count (100), got 1000");
    }

    @Test
    void minimumsAreNotComparedWithAnInvalidClientCount() {
      FlowerSimulation sim = full();
      sim.getSpec().clients.count = 0;
      assertOnlyError(sim, "spec.clients.count", "must be at least 1, got 0");
    }

    @Test
    void emptyStrategyIsValid() {
      FlowerSimulation sim = minimal();
      sim.getSpec().strategy = new StrategySpec();
      assertValid(sim);
    }
  }

  /** The settings of the strategies other than FedAvg; full() samples 10 of 100 clients. */
  @Nested
  class StrategySettings {

    private FlowerSimulation with(StrategyName name) {
      FlowerSimulation sim = full();
      sim.getSpec().strategy.name = name;
      return sim;
    }

    private StrategySpec strategy(FlowerSimulation sim) {
      return sim.getSpec().strategy;
    }

    @Test
    void everyStrategyWithItsOwnSettingsIsValid() {
      FlowerSimulation prox = with(StrategyName.FED_PROX);
      strategy(prox).proximalMu = 0.0;
      assertValid(prox);
      FlowerSimulation avgM = with(StrategyName.FED_AVG_M);
      strategy(avgM).serverLearningRate = 0.5;
      strategy(avgM).serverMomentum = 0.0;
      assertValid(avgM);
      for (StrategyName name : List.of(StrategyName.FED_ADAM, StrategyName.FED_YOGI)) {
        FlowerSimulation sim = with(name);
        strategy(sim).eta = 0.01;
        strategy(sim).etaL = 0.1;
        strategy(sim).beta1 = 0.0;
        strategy(sim).beta2 = 0.999;
        strategy(sim).tau = 1e-9;
        assertValid(sim);
      }
      FlowerSimulation adagrad = with(StrategyName.FED_ADAGRAD);
      strategy(adagrad).eta = 0.1;
      strategy(adagrad).tau = 1e-3;
      assertValid(adagrad);
      FlowerSimulation trimmed = with(StrategyName.FED_TRIMMED_AVG);
      strategy(trimmed).beta = 0.0;
      assertValid(trimmed);
      FlowerSimulation multiKrum = with(StrategyName.MULTI_KRUM);
      strategy(multiKrum).numMaliciousClients = 0;
      strategy(multiKrum).numClientsToKeep = 1;
      assertValid(multiKrum);
      FlowerSimulation krum = with(StrategyName.KRUM);
      strategy(krum).numMaliciousClients = 3;
      assertValid(krum);
      assertValid(with(StrategyName.FED_MEDIAN));
      assertValid(with(StrategyName.BULYAN));
    }

    @Test
    void proximalMuIsRequiredForFedProx() {
      assertOnlyError(with(StrategyName.FED_PROX), "spec.strategy.proximalMu",
          "is required for FedProx");
    }

    @Test
    void proximalMuMustNotBeNegative() {
      FlowerSimulation sim = with(StrategyName.FED_PROX);
      strategy(sim).proximalMu = -0.5;
      assertOnlyError(sim, "spec.strategy.proximalMu", "must be at least 0, got -0.5");
    }

    @Test
    void aSettingOfAnotherStrategyIsRefusedNamingTheStrategiesItAppliesTo() {
      FlowerSimulation fedAvg = full();
      strategy(fedAvg).proximalMu = 0.1;
      assertOnlyError(fedAvg, "spec.strategy.proximalMu",
          "applies only to FedProx, not to FedAvg (spec.strategy.name)");

      FlowerSimulation adagrad = with(StrategyName.FED_ADAGRAD);
      strategy(adagrad).beta1 = 0.9;
      assertOnlyError(adagrad, "spec.strategy.beta1",
          "applies only to FedAdam, FedYogi, not to FedAdagrad (spec.strategy.name)");

      FlowerSimulation median = with(StrategyName.FED_MEDIAN);
      strategy(median).numMaliciousClients = 1;
      strategy(median).eta = 0.1;
      assertThat(FlowerSimulationValidator.validate(median)).containsExactly(
          new ValidationError("spec.strategy.eta",
              "applies only to FedAdagrad, FedAdam, FedYogi, not to FedMedian (spec.strategy.name)"),
          new ValidationError("spec.strategy.numMaliciousClients",
              "applies only to Krum, MultiKrum, Bulyan, not to FedMedian (spec.strategy.name)"));

      FlowerSimulation krum = with(StrategyName.KRUM);
      strategy(krum).numClientsToKeep = 2;
      assertOnlyError(krum, "spec.strategy.numClientsToKeep",
          "applies only to MultiKrum, not to Krum (spec.strategy.name)");
    }

    @Test
    void fedAvgMSettingsAreBounded() {
      FlowerSimulation sim = with(StrategyName.FED_AVG_M);
      strategy(sim).serverLearningRate = 0.0;
      strategy(sim).serverMomentum = 1.0;
      assertThat(FlowerSimulationValidator.validate(sim)).containsExactly(
          new ValidationError("spec.strategy.serverLearningRate", "must be greater than 0, got 0"),
          new ValidationError("spec.strategy.serverMomentum", "must be in [0, 1), got 1"));
    }

    @Test
    void fedOptSettingsAreBounded() {
      FlowerSimulation sim = with(StrategyName.FED_YOGI);
      strategy(sim).eta = -0.1;
      strategy(sim).etaL = 0.0;
      strategy(sim).beta1 = 1.0;
      strategy(sim).beta2 = -0.5;
      strategy(sim).tau = 0.0;
      assertThat(FlowerSimulationValidator.validate(sim)).containsExactly(
          new ValidationError("spec.strategy.eta", "must be greater than 0, got -0.1"),
          new ValidationError("spec.strategy.etaL", "must be greater than 0, got 0"),
          new ValidationError("spec.strategy.beta1", "must be in [0, 1), got 1"),
          new ValidationError("spec.strategy.beta2", "must be in [0, 1), got -0.5"),
          new ValidationError("spec.strategy.tau", "must be greater than 0, got 0"));
    }

    @Test
    void trimmedAvgBetaIsBelowOneHalf() {
      FlowerSimulation sim = with(StrategyName.FED_TRIMMED_AVG);
      strategy(sim).beta = 0.5;
      assertOnlyError(sim, "spec.strategy.beta", "must be in [0, 0.5), got 0.5");
    }

    @Test
    void krumCountsAreBounded() {
      FlowerSimulation sim = with(StrategyName.MULTI_KRUM);
      strategy(sim).numMaliciousClients = -1;
      strategy(sim).numClientsToKeep = 0;
      assertThat(FlowerSimulationValidator.validate(sim)).containsExactly(
          new ValidationError("spec.strategy.numMaliciousClients", "must be at least 0, got -1"),
          new ValidationError("spec.strategy.numClientsToKeep", "must be at least 1, got 0"));
    }

    @Test
    void numClientsToKeepIsRequiredForMultiKrum() {
      assertOnlyError(with(StrategyName.MULTI_KRUM), "spec.strategy.numClientsToKeep",
          "is required for MultiKrum");
    }

    @Test
    void bulyanNeedsFourFPlusThreeSampledClients() {
      // full(): max(int(100 * 0.1), 10) = 10 sampled; f = 2 needs 11, f = 1 needs 7
      FlowerSimulation sim = with(StrategyName.BULYAN);
      strategy(sim).numMaliciousClients = 2;
      assertOnlyError(sim, "spec.strategy.numMaliciousClients", "Bulyan needs at least "
          + "4 * numMaliciousClients + 3 = 11 clients per round, but a round samples 10 "
          + "(max(int(spec.clients.count * fractionFit), minFitClients)), got 2");
      strategy(sim).numMaliciousClients = 1;
      assertValid(sim);
      strategy(sim).numMaliciousClients = 2;
      strategy(sim).minFitClients = 11;
      assertValid(sim);
    }

    @Test
    void bulyanUsesTheDefaultSampleSize() {
      // minimal(): 10 clients, fractionFit 1 by default -> 10 sampled; f = 2 needs 11
      FlowerSimulation sim = minimal();
      sim.getSpec().strategy = new StrategySpec();
      sim.getSpec().strategy.name = StrategyName.BULYAN;
      sim.getSpec().strategy.numMaliciousClients = 2;
      assertThat(FlowerSimulationValidator.validate(sim)).extracting(ValidationError::field)
          .containsExactly("spec.strategy.numMaliciousClients");
      sim.getSpec().clients.count = 11;
      assertValid(sim);
    }

    @Test
    void krumNeedsTwoFPlusThreeSampledClients() {
      // full(): 10 sampled; f = 4 needs 11, f = 3 needs 9
      FlowerSimulation sim = with(StrategyName.KRUM);
      strategy(sim).numMaliciousClients = 4;
      assertOnlyError(sim, "spec.strategy.numMaliciousClients", "Krum needs at least "
          + "2 * numMaliciousClients + 3 = 11 clients per round, but a round samples 10 "
          + "(max(int(spec.clients.count * fractionFit), minFitClients)), got 4");
      strategy(sim).numMaliciousClients = 3;
      assertValid(sim);
    }

    @Test
    void multiKrumKeepsAtMostTheSampledClientsLessTheMaliciousOnes() {
      FlowerSimulation sim = with(StrategyName.MULTI_KRUM);
      strategy(sim).numMaliciousClients = 2;
      strategy(sim).numClientsToKeep = 9;
      assertOnlyError(sim, "spec.strategy.numClientsToKeep", "must be at most the clients a round "
          + "samples minus numMaliciousClients (10 - 2 = 8), got 9");
      strategy(sim).numClientsToKeep = 8;
      assertValid(sim);
      strategy(sim).numMaliciousClients = 4;
      assertThat(FlowerSimulationValidator.validate(sim)).extracting(ValidationError::field)
          .containsExactly("spec.strategy.numMaliciousClients");
    }

    /** Once a crash ("Illegal initial capacity") when the round's set of ids was sized. */
    @Test
    void aRoundSamplesAtMostAFixedNumberOfClients() {
      FlowerSimulation sim = minimal();
      sim.getSpec().clients.count = Integer.MAX_VALUE;
      assertThat(FlowerSimulationValidator.validate(sim)).containsExactly(
          new ValidationError("spec.strategy.fractionFit", "a round would sample 2147483647 "
              + "clients (spec.clients.count * fractionFit); at most 16777216 per round"),
          new ValidationError("spec.strategy.fractionEvaluate", "a round would sample 2147483647 "
              + "clients (spec.clients.count * fractionEvaluate); at most 16777216 per round"));
      sim.getSpec().strategy = new StrategySpec();
      sim.getSpec().strategy.fractionFit = 0.001;
      sim.getSpec().strategy.fractionEvaluate = 0.001;
      assertValid(sim);
    }

    private FlowerSimulation withDp(Double noiseMultiplier, Double clippingNorm) {
      FlowerSimulation sim = with(StrategyName.FED_ADAM);
      strategy(sim).differentialPrivacy = new DifferentialPrivacySpec();
      strategy(sim).differentialPrivacy.noiseMultiplier = noiseMultiplier;
      strategy(sim).differentialPrivacy.clippingNorm = clippingNorm;
      return sim;
    }

    @Test
    void differentialPrivacyWrapsAnyStrategy() {
      FlowerSimulation sim = withDp(0.0, 0.5);
      strategy(sim).differentialPrivacy.numSampledClients = 100;
      assertValid(sim);
    }

    @Test
    void differentialPrivacyNeedsNoiseMultiplierAndClippingNorm() {
      assertThat(FlowerSimulationValidator.validate(withDp(null, null))).containsExactly(
          new ValidationError("spec.strategy.differentialPrivacy.noiseMultiplier", "is required"),
          new ValidationError("spec.strategy.differentialPrivacy.clippingNorm", "is required"));
    }

    @Test
    void differentialPrivacySettingsAreBounded() {
      FlowerSimulation sim = withDp(-1.0, 0.0);
      strategy(sim).differentialPrivacy.numSampledClients = 101;
      assertThat(FlowerSimulationValidator.validate(sim)).containsExactly(
          new ValidationError("spec.strategy.differentialPrivacy.noiseMultiplier",
              "must be at least 0, got -1"),
          new ValidationError("spec.strategy.differentialPrivacy.clippingNorm",
              "must be greater than 0, got 0"),
          new ValidationError("spec.strategy.differentialPrivacy.numSampledClients",
              "must be at most spec.clients.count (100), got 101"));
      strategy(sim).differentialPrivacy.numSampledClients = 0;
      assertThat(FlowerSimulationValidator.validate(sim)).extracting(ValidationError::toString)
          .contains("spec.strategy.differentialPrivacy.numSampledClients: must be at least 1, "
              + "got 0");
    }

    @Test
    void adaptiveClippingStartsWithoutAClippingNormAndBoundsItsOwnFields() {
      FlowerSimulation sim = withDp(0.0, null);
      strategy(sim).differentialPrivacy.clipping = DifferentialPrivacyClipping.ADAPTIVE;
      assertValid(sim);

      strategy(sim).differentialPrivacy.targetClippedQuantile = 1.5;
      strategy(sim).differentialPrivacy.clipNormLearningRate = 0.0;
      strategy(sim).differentialPrivacy.clippedCountStddev = -1.0;
      assertThat(FlowerSimulationValidator.validate(sim)).containsExactly(
          new ValidationError("spec.strategy.differentialPrivacy.targetClippedQuantile",
              "must be in [0, 1], got 1.5"),
          new ValidationError("spec.strategy.differentialPrivacy.clipNormLearningRate",
              "must be greater than 0, got 0"),
          new ValidationError("spec.strategy.differentialPrivacy.clippedCountStddev",
              "must be at least 0, got -1"));
    }

    @Test
    void adaptiveFieldsAreRefusedWithFixedClipping() {
      FlowerSimulation sim = withDp(0.0, 1.0);
      strategy(sim).differentialPrivacy.targetClippedQuantile = 0.5;
      assertOnlyError(sim, "spec.strategy.differentialPrivacy.targetClippedQuantile",
          "applies only to clipping: adaptive (spec.strategy.differentialPrivacy.clipping)");
    }

    /** Flower refuses it too: the count's noise would leave the updates none of the privacy. */
    @Test
    void adaptiveClippingNeedsCountNoiseAboveHalfTheNoiseMultiplier() {
      FlowerSimulation sim = withDp(1.0, null);
      strategy(sim).differentialPrivacy.clipping = DifferentialPrivacyClipping.ADAPTIVE;
      strategy(sim).differentialPrivacy.numSampledClients = 10;
      assertOnlyError(sim, "spec.strategy.differentialPrivacy.clippedCountStddev",
          "must be more than noiseMultiplier / 2 (0.5) for adaptive clipping, got 0.5 (the "
              + "default, numSampledClients 10 / 20); raise it, or lower noiseMultiplier");
      strategy(sim).differentialPrivacy.clippedCountStddev = 0.6;
      assertValid(sim);
    }

    @Test
    void differentialPrivacyDoesNotWrapScaffold() {
      FlowerSimulation sim = withDp(0.0, 1.0);
      strategy(sim).name = StrategyName.SCAFFOLD;
      assertOnlyError(sim, "spec.strategy.differentialPrivacy", "does not wrap Scaffold: its "
          + "control variates travel with the updates and would be clipped and noised with them");
    }
  }

  @Nested
  class ClientGroups {

    private static ClientGroupSpec group(String name, int count, double cpus, String workerGroup) {
      ClientGroupSpec g = new ClientGroupSpec();
      g.name = name;
      g.count = count;
      g.resources = new io.flowersim.api.v1alpha1.spec.ClientResources();
      g.resources.cpus = cpus;
      g.workerGroup = workerGroup;
      return g;
    }

    /** full(): 100 clients, worker groups gpu (8 CPUs, 1 GPU, 32Gi) and, here, cpu (2 CPUs). */
    private static FlowerSimulation withGroups(ClientGroupSpec... groups) {
      FlowerSimulation sim = full();
      WorkerGroupSpec cpu = io.flowersim.api.v1alpha1.TestFlowerSimulations.workerGroup("cpu");
      cpu.cpus = 2.0;
      cpu.gpus = 0;
      sim.getSpec().cluster.workerGroups.add(cpu);
      sim.getSpec().clients.groups = new java.util.ArrayList<>(List.of(groups));
      return sim;
    }

    @Test
    void groupsOnTheirWorkerGroupsAreValid() {
      assertValid(withGroups(group("phones", 80, 0.5, "cpu"), group("laptops", 20, 4, "gpu")));
    }

    @Test
    void countsMustAddUpToTheClientCount() {
      assertOnlyError(withGroups(group("phones", 80, 0.5, "cpu"), group("laptops", 30, 4, "gpu")),
          "spec.clients.groups", "the groups' counts must add up to spec.clients.count (100), "
              + "got 110 (phones 80, laptops 30)");
    }

    @Test
    void namesAreUniqueAndNamedByIndex() {
      assertOnlyError(withGroups(group("phones", 80, 0.5, "cpu"), group("phones", 20, 4, "gpu")),
          "spec.clients.groups[1].name", "must be unique among spec.clients.groups, got "
              + "\"phones\" again (first at spec.clients.groups[0])");
    }

    @Test
    void anUnknownWorkerGroupIsNamedWithTheGroup() {
      assertOnlyError(withGroups(group("phones", 80, 0.5, "cpu"), group("laptops", 20, 4, "h100")),
          "spec.clients.groups[1].workerGroup", "spec.clients.groups[1] (\"laptops\"): no worker "
              + "group \"h100\" in spec.cluster.workerGroups (gpu, cpu)");
    }

    @Test
    void resourcesTheWorkerGroupCannotHoldAreRefused() {
      assertOnlyError(withGroups(group("phones", 80, 4, "cpu"), group("laptops", 20, 4, "gpu")),
          "spec.clients.groups[0].resources", "spec.clients.groups[0] (\"phones\"): worker group "
              + "\"cpu\" cannot hold one of its clients (4 CPUs, 0 GPUs; a pod of it has 2 CPUs, "
              + "0 GPUs, 32Gi)");
    }

    @Test
    void withoutWorkerGroupsSomeWorkerGroupMustHoldEachGroup() {
      assertValid(withGroups(group("phones", 80, 0.5, null), group("laptops", 20, 4, null)));
      assertOnlyError(withGroups(group("phones", 80, 0.5, null), group("laptops", 20, 16, null)),
          "spec.clients.groups[1].resources", "spec.clients.groups[1] (\"laptops\"): no worker "
              + "group of spec.cluster.workerGroups can hold one of its clients (16 CPUs, 0 GPUs)");
    }

    @Test
    void workerGroupsAreSetOnAllGroupsOrOnNone() {
      assertOnlyError(withGroups(group("phones", 80, 0.5, null), group("laptops", 20, 4, "gpu")),
          "spec.clients.groups[0].workerGroup", "spec.clients.groups[0] (\"phones\"): must name a "
              + "worker group, as other groups do (a group without one would run on any worker "
              + "group, also theirs)");
    }

    @Test
    void aGroupsFieldsAreCheckedAsTheClientsOnes() {
      ClientGroupSpec phones = group("phones", 80, 0.5, "cpu");
      phones.dropoutRate = 1.0;
      ClientGroupSpec laptops = group("Laptops", 20, 4, "gpu");
      FlowerSimulation sim = withGroups(phones, laptops);
      assertThat(FlowerSimulationValidator.validate(sim)).extracting(ValidationError::field)
          .containsExactlyInAnyOrder("spec.clients.groups[0].dropoutRate",
              "spec.clients.groups[1].name");
    }
  }

  @Nested
  class Cluster {

    private static WorkerGroupSpec onlyGroup(FlowerSimulation sim) {
      return sim.getSpec().cluster.workerGroups.get(0);
    }

    @Test
    void emptyClusterIsValid() {
      FlowerSimulation sim = minimal();
      sim.getSpec().cluster = new ClusterSpec();
      sim.getSpec().cluster.head = new HeadGroupSpec();
      assertValid(sim);
    }

    @Test
    void headCpusMustBeGreaterThanZero() {
      FlowerSimulation sim = full();
      sim.getSpec().cluster.head.cpus = -2.0;
      assertOnlyError(sim, "spec.cluster.head.cpus", "must be greater than 0, got -2");
    }

    @Test
    void headMemoryMustBeAQuantity() {
      FlowerSimulation sim = full();
      sim.getSpec().cluster.head.memory = new Quantity("8", "GiB");
      assertOnlyError(sim, "spec.cluster.head.memory", "must be a non-negative Kubernetes "
          + "quantity such as 2Gi, 512Mi or 1.5G, got \"8GiB\"");
    }

    @Test
    void groupNameIsRequired() {
      FlowerSimulation sim = full();
      onlyGroup(sim).name = null;
      assertOnlyError(sim, "spec.cluster.workerGroups[0].name", "is required");
    }

    @Test
    void groupNameMustNotBeBlank() {
      FlowerSimulation sim = full();
      onlyGroup(sim).name = " ";
      assertOnlyError(sim, "spec.cluster.workerGroups[0].name", "must not be blank, got \" \"");
    }

    @Test
    void groupNameMustBeADnsLabel() {
      FlowerSimulation sim = full();
      onlyGroup(sim).name = "h100_pool";
      assertOnlyError(sim, "spec.cluster.workerGroups[0].name", "must be lowercase letters, digits "
          + "and '-', starting and ending with a letter or digit, at most 30 characters, got "
          + "\"h100_pool\"");
    }

    @Test
    void groupNameMustBeAtMost30Characters() {
      FlowerSimulation sim = full();
      onlyGroup(sim).name = "g".repeat(31);
      assertOnlyError(sim, "spec.cluster.workerGroups[0].name", "must be lowercase letters, digits "
          + "and '-', starting and ending with a letter or digit, at most 30 characters, got \""
          + "g".repeat(31) + "\"");
    }

    @Test
    void groupNameOf30CharactersIsValid() {
      FlowerSimulation sim = full();
      onlyGroup(sim).name = "g".repeat(30);
      assertValid(sim);
    }

    @Test
    void groupNamesMustBeUnique() {
      FlowerSimulation sim = full();
      sim.getSpec().cluster.workerGroups.add(workerGroup("cpu"));
      sim.getSpec().cluster.workerGroups.add(workerGroup("gpu"));
      assertOnlyError(sim, "spec.cluster.workerGroups[2].name", "must be unique among "
          + "spec.cluster.workerGroups, got \"gpu\" again (first at spec.cluster.workerGroups[0])");
    }

    @Test
    void atMost32Groups() {
      FlowerSimulation sim = full();
      List<WorkerGroupSpec> groups = sim.getSpec().cluster.workerGroups;
      groups.clear();
      for (int i = 0; i < 33; i++) {
        groups.add(workerGroup("g" + i));
      }
      assertOnlyError(sim, "spec.cluster.workerGroups", "must have at most 32 groups, got 33");
    }

    @Test
    void groupMustNotBeNull() {
      FlowerSimulation sim = full();
      sim.getSpec().cluster.workerGroups.add(null);
      assertOnlyError(sim, "spec.cluster.workerGroups[1]", "must be a worker group, got null");
    }

    @Test
    void replicasMustNotBeNegative() {
      FlowerSimulation sim = full();
      onlyGroup(sim).replicas = -1;
      assertOnlyError(sim, "spec.cluster.workerGroups[0].replicas", "must be at least 0, got -1");
    }

    @Test
    void minReplicasMustNotBeNegative() {
      FlowerSimulation sim = full();
      onlyGroup(sim).minReplicas = -1;
      assertOnlyError(sim, "spec.cluster.workerGroups[0].minReplicas",
          "must be at least 0, got -1");
    }

    @Test
    void maxReplicasMustNotBeNegative() {
      FlowerSimulation sim = full();
      onlyGroup(sim).maxReplicas = -1;
      onlyGroup(sim).replicas = null;
      onlyGroup(sim).minReplicas = null;
      assertOnlyError(sim, "spec.cluster.workerGroups[0].maxReplicas",
          "must be at least 0, got -1");
    }

    @Test
    void minReplicasMustNotExceedMaxReplicas() {
      FlowerSimulation sim = full();
      onlyGroup(sim).minReplicas = 5;
      onlyGroup(sim).maxReplicas = 4;
      assertOnlyError(sim, "spec.cluster.workerGroups[0].minReplicas",
          "must be at most maxReplicas (4), got 5");
    }

    @Test
    void replicasMustNotBeBelowMinReplicas() {
      FlowerSimulation sim = full();
      onlyGroup(sim).minReplicas = 3;
      onlyGroup(sim).replicas = 2;
      assertOnlyError(sim, "spec.cluster.workerGroups[0].replicas",
          "must be at least minReplicas (3), got 2");
    }

    @Test
    void replicasMustNotExceedMaxReplicas() {
      FlowerSimulation sim = full();
      onlyGroup(sim).replicas = 5;
      assertOnlyError(sim, "spec.cluster.workerGroups[0].replicas",
          "must be at most maxReplicas (4), got 5");
    }

    @Test
    void replicasWithoutBoundsAreValid() {
      FlowerSimulation sim = full();
      onlyGroup(sim).minReplicas = null;
      onlyGroup(sim).maxReplicas = null;
      onlyGroup(sim).replicas = 100;
      assertValid(sim);
    }

    @Test
    void workerCpusMustBeGreaterThanZero() {
      FlowerSimulation sim = full();
      onlyGroup(sim).cpus = 0.0;
      assertOnlyError(sim, "spec.cluster.workerGroups[0].cpus", "must be greater than 0, got 0");
    }

    @Test
    void workerGpusMustNotBeNegative() {
      FlowerSimulation sim = full();
      onlyGroup(sim).gpus = -1;
      assertOnlyError(sim, "spec.cluster.workerGroups[0].gpus", "must be at least 0, got -1");
    }

    @Test
    void workerMemoryMustBeAQuantity() {
      FlowerSimulation sim = full();
      onlyGroup(sim).memory = new Quantity("lots");
      assertOnlyError(sim, "spec.cluster.workerGroups[0].memory", "must be a non-negative "
          + "Kubernetes quantity such as 2Gi, 512Mi or 1.5G, got \"lots\"");
    }
  }
}
