package io.flowersim.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.checkpoint.Checkpoint;
import io.flowersim.checkpoint.CheckpointStore;
import io.flowersim.client.ClientOperation;
import io.flowersim.engine.EngineResources;
import io.flowersim.server.History;
import io.flowersim.server.HistoryJson;
import io.flowersim.server.ServerListener;
import io.flowersim.task.TaskRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A seeded run stopped and resumed from its checkpoints gives, round for round, bit for bit, the
 * losses and metrics of the run that never stopped: FedAvg with drop-outs, FedAdam under the DP
 * wrapper (moments and noise generator in the strategy's state), FedAvgM over clients whose
 * state changes what they send, Scaffold (control variates on both sides) and client-side
 * adaptive clipping (the clipping norm). Each run is stopped between rounds, or in the middle of a round
 * (after its fits were aggregated, so the strategy, the sampling and the clients' state have moved
 * on past the checkpoint), with checkpoints after every round or every second one.
 */
class ResumeTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final int ROUNDS = 6;

  static final String FEDAVG = """
      apiVersion: flowersim.io/v1alpha1
      kind: FlowerSimulation
      metadata: {name: resume-fedavg}
      spec:
        task: synthetic
        taskConfig: {learningRate: "0.1", localEpochs: "1", batchSize: "16", samplesPerClient: "40"}
        rounds: 6
        seed: 7
        clients:
          count: 30
          dropoutRate: 0.2
          partitioning: {type: dirichlet, alpha: 0.5, seed: 3}
        strategy: {name: FedAvg, fractionFit: 0.2, fractionEvaluate: 0.2, minFitClients: 4,
                   minEvaluateClients: 4, minAvailableClients: 30}
      """;

  static final String FEDADAM_DP = """
      apiVersion: flowersim.io/v1alpha1
      kind: FlowerSimulation
      metadata: {name: resume-fedadam}
      spec:
        task: synthetic
        taskConfig: {learningRate: "0.1", localEpochs: "1", batchSize: "16", samplesPerClient: "40"}
        rounds: 6
        seed: 11
        clients: {count: 30}
        strategy:
          name: FedAdam
          fractionFit: 0.2
          fractionEvaluate: 0.1
          minFitClients: 6
          minEvaluateClients: 3
          minAvailableClients: 30
          eta: 0.05
          differentialPrivacy: {noiseMultiplier: 0.5, clippingNorm: 5.0, numSampledClients: 6}
      """;

  static final String STATEFUL = """
      apiVersion: flowersim.io/v1alpha1
      kind: FlowerSimulation
      metadata: {name: resume-stateful}
      spec:
        task: testing-stateful
        rounds: 6
        seed: 5
        clients: {count: 12}
        strategy: {name: FedAvgM, fractionFit: 0.5, fractionEvaluate: 0.25, minFitClients: 2,
                   minEvaluateClients: 2, minAvailableClients: 12, serverMomentum: 0.9}
      """;

  /** Scaffold: the server control variate in the strategy's state, each c_i in its client's. */
  static final String SCAFFOLD = """
      apiVersion: flowersim.io/v1alpha1
      kind: FlowerSimulation
      metadata: {name: resume-scaffold}
      spec:
        task: synthetic
        taskConfig: {learningRate: "0.1", localEpochs: "2", batchSize: "16", samplesPerClient: "40"}
        rounds: 6
        seed: 13
        clients:
          count: 12
          partitioning: {type: dirichlet, alpha: 0.2, seed: 3}
        strategy: {name: Scaffold, fractionFit: 0.5, fractionEvaluate: 0.25, minFitClients: 2,
                   minEvaluateClients: 2, minAvailableClients: 12, serverLearningRate: 0.8}
      """;

  /** Adaptive clipping on the clients: the norm and both noises' generator in the state. */
  static final String ADAPTIVE_DP = """
      apiVersion: flowersim.io/v1alpha1
      kind: FlowerSimulation
      metadata: {name: resume-adaptive-dp}
      spec:
        task: synthetic
        taskConfig: {learningRate: "0.1", localEpochs: "1", batchSize: "16", samplesPerClient: "40"}
        rounds: 6
        seed: 17
        clients: {count: 30}
        strategy:
          name: FedAvg
          fractionFit: 0.2
          fractionEvaluate: 0.1
          minFitClients: 6
          minEvaluateClients: 3
          minAvailableClients: 30
          differentialPrivacy: {side: client, clipping: adaptive, noiseMultiplier: 0.5,
                                clippedCountStddev: 1.0, numSampledClients: 6}
      """;

  static List<Arguments> stops() {
    List<Arguments> out = new ArrayList<>();
    for (String spec : List.of(FEDAVG, FEDADAM_DP, STATEFUL, SCAFFOLD, ADAPTIVE_DP)) {
      out.add(Arguments.of(spec, 1, 1, false));
      out.add(Arguments.of(spec, 1, 3, true));
      out.add(Arguments.of(spec, 2, 4, true));
      out.add(Arguments.of(spec, 1, ROUNDS - 1, false));
    }
    return out;
  }

  @ParameterizedTest(name = "[{index}] every {1} round(s), stopped after round {2}, mid-round {3}")
  @MethodSource("stops")
  void aResumedRunIsTheRunThatNeverStopped(String yaml, int everyRounds, int stopAfter,
      boolean midRound, @TempDir Path dir) throws Exception {
    History reference = run(resource(yaml, everyRounds), ServerListener.NONE, null, null);
    assertThat(reference.rounds()).hasSize(ROUNDS);

    CheckpointStore store = new CheckpointStore(dir);
    assertThatThrownBy(() -> run(resource(yaml, everyRounds),
        new Stop(stopAfter + 1, midRound ? ClientOperation.EVALUATE : ClientOperation.FIT),
        store, null)).isInstanceOf(Stopped.class);
    List<String> warnings = new ArrayList<>();
    Checkpoint newest = store.resumable(resource(yaml, everyRounds).getSpec(), warnings::add);
    assertThat(newest.round()).isEqualTo(stopAfter - stopAfter % everyRounds);
    assertThat(warnings).isEmpty();

    History resumed = run(resource(yaml, everyRounds), ServerListener.NONE, store, newest);

    assertThat(withoutDurations(resumed)).isEqualTo(withoutDurations(reference));
    assertThat(store.newest(w -> { }).orElseThrow().round()).isEqualTo(ROUNDS);
  }

  static FlowerSimulation resource(String yaml, int everyRounds) throws Exception {
    FlowerSimulation sim = YAML.readValue(yaml, FlowerSimulation.class);
    if (everyRounds != 1) {
      sim.getSpec().checkpoint = new io.flowersim.api.v1alpha1.spec.CheckpointSpec();
      sim.getSpec().checkpoint.everyRounds = everyRounds;
    }
    return sim;
  }

  /** A fresh simulation, as a new process would build it. */
  static History run(FlowerSimulation resource, ServerListener listener, CheckpointStore store,
      Checkpoint from) throws Exception {
    History history = new History(resource.getMetadata().getName());
    try (Simulation simulation = Simulation.local(resource, TaskRegistry.load(),
        new EngineResources(2, 0))) {
      simulation.run(history, listener, store, from);
    }
    return history;
  }

  /** The history as JSON, without what differs between any two runs: the rounds' durations. */
  static JsonNode withoutDurations(History history) throws Exception {
    JsonNode tree = new ObjectMapper().readTree(HistoryJson.toJson(history));
    tree.get("rounds").forEach(r -> ((ObjectNode) r).remove("durationSeconds"));
    return tree;
  }

  private static final class Stopped extends RuntimeException {
    Stopped() {
      super("stopped on purpose");
    }
  }

  /** Stops the run as {@code operation} of {@code round} starts: as a kill at that moment. */
  private record Stop(int round, ClientOperation operation) implements ServerListener {
    @Override
    public void phaseStarted(int r, ClientOperation o, int sampled) {
      if (r == round && o == operation) {
        throw new Stopped();
      }
    }
  }
}
