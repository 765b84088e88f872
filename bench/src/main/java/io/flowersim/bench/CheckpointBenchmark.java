package io.flowersim.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.checkpoint.CheckpointStore;
import io.flowersim.client.ClientOperation;
import io.flowersim.client.Parameters;
import io.flowersim.engine.EngineResources;
import io.flowersim.server.History;
import io.flowersim.server.ServerListener;
import io.flowersim.simulation.Simulation;
import io.flowersim.task.TaskRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a checkpoint after every round costs: real simulations on the local backend with
 * checkpoints on (the default of flowersim run), each checkpoint's write time measured where the
 * server writes it (from the end of the round to the start of the next one, which is the
 * checkpoint alone), its size on disk, and its share of the round (write / (round + write)).
 * Workloads: examples/fashion-mnist-mlp.yaml (101,770 parameters, FedAvg) and the synthetic task
 * at 1,000,000 parameters with FedAdam (whose two moments triple what is written).
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.flowersim.bench.CheckpointBenchmark
 * [ROUNDS]} from the repository root; the checkpoints go to a temporary directory.
 */
public final class CheckpointBenchmark {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static final String ONE_MILLION = """
      apiVersion: flowersim.io/v1alpha1
      kind: FlowerSimulation
      metadata: {name: checkpoint-1m}
      spec:
        task: synthetic
        taskConfig: {dimensions: "19999", classes: "50", samplesPerClient: "20",
                     evalSamplesPerClient: "4", testSamples: "200", batchSize: "20"}
        rounds: 5
        clients: {count: 100}
        strategy: {name: FedAdam, fractionFit: 0.1, fractionEvaluate: 0.05, minFitClients: 10,
                   minEvaluateClients: 5, minAvailableClients: 100}
      """;

  /** Times each checkpoint: the listeners before the checkpoint writer see the round end. */
  static final class Timing implements ServerListener {
    final List<double[]> rows = new ArrayList<>(); // round, round seconds, write seconds, bytes
    final Path dir;
    private long roundEnded;
    private RoundRecord last;

    Timing(Path dir) {
      this.dir = dir;
    }

    @Override
    public void roundFinished(RoundRecord record, History history) {
      last = record;
    }

    @Override
    public void roundCompleted(int round, Parameters parameters, History history) {
      roundEnded = System.nanoTime();
    }

    @Override
    public void phaseStarted(int round, ClientOperation operation, int sampled) {
      if (operation == ClientOperation.FIT && round > 1) {
        record();
      }
    }

    void record() {
      double write = (System.nanoTime() - roundEnded) / 1e9;
      try (Stream<Path> files = Files.list(dir)) {
        Path newest = files.max(Comparator.naturalOrder()).orElseThrow();
        rows.add(new double[] {last.round, last.durationSeconds, write, Files.size(newest)});
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    System.out.println("| workload | parameters | checkpoint size | write (median) | round "
        + "(median) | share of the round |");
    System.out.println("|---|---|---|---|---|---|");
    FlowerSimulation mlp = YAML.readValue(Path.of("examples", "fashion-mnist-mlp.yaml").toFile(),
        FlowerSimulation.class);
    run("Fashion-MNIST MLP, FedAvg", mlp, rounds);
    run("synthetic, FedAdam", YAML.readValue(ONE_MILLION, FlowerSimulation.class), rounds);
  }

  static void run(String label, FlowerSimulation resource, int rounds) throws Exception {
    resource.getSpec().rounds = rounds;
    Path dir = Files.createTempDirectory("flowersim-checkpoint-bench");
    Timing timing = new Timing(dir);
    int parameters;
    try (Simulation simulation = Simulation.local(resource, TaskRegistry.load(),
        new EngineResources(Runtime.getRuntime().availableProcessors(), 0))) {
      History history = new History(resource.getMetadata().getName());
      simulation.run(history, timing, new CheckpointStore(dir), null);
      timing.record();
      parameters = new CheckpointStore(dir).newest(w -> { }).orElseThrow().parameters().size();
    }
    double[] writes = timing.rows.stream().mapToDouble(r -> r[2]).sorted().toArray();
    double[] roundTimes = timing.rows.stream().mapToDouble(r -> r[1]).sorted().toArray();
    double write = writes[writes.length / 2];
    double round = roundTimes[roundTimes.length / 2];
    double bytes = timing.rows.get(timing.rows.size() - 1)[3];
    System.out.printf(Locale.ROOT, "| %s | %,d | %.1f MB | %.0f ms | %.2f s | %.1f%% |%n", label,
        parameters, bytes / 1e6, write * 1e3, round, 100 * write / (round + write));
    for (double[] r : timing.rows) {
      System.err.printf(Locale.ROOT, "  %s round %.0f: round %.3f s, checkpoint %.1f ms, %.0f "
          + "bytes%n", label, r[0], r[1], r[2] * 1e3, r[3]);
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }
}
