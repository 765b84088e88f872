package io.flowersim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowersim.engine.pool.CountingWorkerInitHook;
import io.flowersim.engine.pool.PoolTestingTask;
import io.flowersim.server.History;
import io.flowersim.server.HistoryJson;
import io.flowersim.simulation.ExitCode;
import io.flowersim.task.fashionmnist.FashionMnistTaskTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class FlowersimCommandTest {

  /** A small valid simulation; each bad-input case edits one part of it. */
  static final String VALID = """
      apiVersion: flowersim.io/v1alpha1
      kind: FlowerSimulation
      metadata:
        name: tiny
      spec:
        task: synthetic
        taskConfig: {samplesPerClient: "32"}
        rounds: 2
        clients:
          count: 20
          resources: {cpus: 1}
        strategy:
          name: FedAvg
          fractionFit: 0.25
          fractionEvaluate: 0.25
          minFitClients: 5
          minEvaluateClients: 5
          minAvailableClients: 20
      """;

  @TempDir
  Path dir;

  record Outcome(int code, String out, String err) {}

  private Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = FlowersimCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  private Path file(String yaml) throws Exception {
    Path f = dir.resolve("sim.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  static Stream<Arguments> badInput() {
    return Stream.of(
        Arguments.of("malformed YAML", "metadata: {name: x\nspec: {task: y}\n", "malformed YAML"),
        Arguments.of("wrong apiVersion", VALID.replace("flowersim.io/v1alpha1", "flowersim.io/v9"),
            "apiVersion"),
        Arguments.of("wrong kind", VALID.replace("kind: FlowerSimulation", "kind: RayJob"), "kind"),
        Arguments.of("unknown field", VALID.replace("    count: 20", "    count: 20\n    cout: 3"),
            "spec.clients.cout: unknown field"),
        Arguments.of("unknown task", VALID.replace("task: synthetic", "task: mnist-gan"),
            "spec.task: unknown task \"mnist-gan\"; available: fashion-mnist-cnn, "
                + "fashion-mnist-mlp, synthetic"),
        Arguments.of("unknown strategy", VALID.replace("name: FedAvg", "name: FedFoo"),
            "spec.strategy.name: unknown value \"FedFoo\"; allowed: FedAvg"),
        Arguments.of("zero clients", VALID.replace("count: 20", "count: 0"), "spec.clients.count"),
        Arguments.of("negative rounds", VALID.replace("rounds: 2", "rounds: -1"), "spec.rounds"),
        Arguments.of("fraction above 1", VALID.replace("fractionFit: 0.25", "fractionFit: 1.5"),
            "spec.strategy.fractionFit"),
        Arguments.of("fraction zero",
            VALID.replace("fractionEvaluate: 0.25", "fractionEvaluate: 0"),
            "spec.strategy.fractionEvaluate"),
        Arguments.of("zero cpus", VALID.replace("resources: {cpus: 1}", "resources: {cpus: 0}"),
            "spec.clients.resources.cpus"),
        Arguments.of("negative gpus",
            VALID.replace("resources: {cpus: 1}", "resources: {cpus: 1, gpus: -0.5}"),
            "spec.clients.resources.gpus"),
        Arguments.of("more cpus than the engine has",
            VALID.replace("resources: {cpus: 1}", "resources: {cpus: 64}"),
            "spec.clients.resources.cpus: each client needs 64 CPUs but the engine has only 2"),
        Arguments.of("a gpu the engine lacks",
            VALID.replace("resources: {cpus: 1}", "resources: {cpus: 1, gpus: 0.5}"),
            "spec.clients.resources.gpus: each client needs 0.5 GPUs but the engine has only 0"),
        Arguments.of("minFitClients above count",
            VALID.replace("minFitClients: 5", "minFitClients: 50"), "spec.strategy.minFitClients"),
        Arguments.of("missing clients section", VALID.replaceAll("(?s)  clients:.*?strategy:",
            "  strategy:"), "spec.clients"),
        Arguments.of("missing spec", "apiVersion: flowersim.io/v1alpha1\nkind: FlowerSimulation\n"
            + "metadata: {name: x}\n", "spec"),
        Arguments.of("rounds not a number", VALID.replace("rounds: 2", "rounds: many"),
            "spec.rounds: expected a whole number"),
        Arguments.of("empty file", "", "empty"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInput")
  void refusesBadInputWithOneLineNamingTheFieldAndWritesNothing(String kind, String yaml,
      String expected) throws Exception {
    Path out = dir.resolve("out");
    Outcome o = run("run", file(yaml).toString(), "--out", out.toString(), "--cpus", "2");

    assertThat(o.code()).as(o.err()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(o.err()).contains(expected);
    assertThat(o.err().lines().filter(l -> l.startsWith("error: ")))
        .allSatisfy(l -> assertThat(l).doesNotContain("\tat "));
    assertThat(o.err()).doesNotContain("Exception in thread").doesNotContain("\tat ");
    assertThat(out).doesNotExist();
  }

  /** Errors only the task's setup can find (they need the data) still name the field, exit 2. */
  @Test
  void fashionMnistDataProblemsNameTheField() throws Exception {
    Path data = Files.createDirectories(dir.resolve("idx"));
    FashionMnistTaskTest.writeLearnable(data, "train", 400, 1);
    FashionMnistTaskTest.writeLearnable(data, "t10k", 50, 2);
    String fmnist = VALID.replace("task: synthetic", "task: fashion-mnist-mlp")
        .replace("{samplesPerClient: \"32\"}", "{dataDir: \"" + data + "\"}");

    Outcome shards = run("run", file(fmnist.replace("resources: {cpus: 1}",
        "resources: {cpus: 1}\n    partitioning: {type: shard, shardsPerClient: 11}")).toString(),
        "--out", dir.resolve("out").toString());
    assertThat(shards.code()).as(shards.err()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(shards.err()).contains("spec.clients.partitioning.shardsPerClient")
        .contains("only 10 labels").doesNotContain("\tat ");

    Outcome noFiles = run("run", file(fmnist.replace(data.toString(),
        Files.createDirectories(dir.resolve("empty")).toString())).toString(),
        "--out", dir.resolve("out").toString());
    assertThat(noFiles.code()).as(noFiles.err()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(noFiles.err()).contains("spec.taskConfig.dataDir")
        .contains("dataset-fashion-mnist");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void debugAddsTheStackTrace() throws Exception {
    Outcome o = run("run", file(VALID.replace("rounds: 2", "rounds: many")).toString(), "--debug");
    assertThat(o.code()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(o.err()).contains("\tat ");
  }

  @Test
  void badCommandLineOptionIsRefusedWithExitCode2() throws Exception {
    Outcome o = run("run", file(VALID).toString(), "--rounds", "0");
    assertThat(o.code()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(o.err()).contains("--rounds: must be >= 1, got 0");

    Outcome unknownOption = run("run", file(VALID).toString(), "--colour");
    assertThat(unknownOption.code()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(unknownOption.err()).contains("--colour");
  }

  @Test
  void missingFileIsNamed() {
    Outcome o = run("validate", dir.resolve("nope.yaml").toString());
    assertThat(o.code()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(o.err()).contains("nope.yaml: no such file");
  }

  @Test
  void validateChecksWithoutRunning() throws Exception {
    Outcome o = run("validate", file(VALID).toString(), "--cpus", "2");
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out()).contains("valid").contains("task synthetic").contains("20 clients");
    assertThat(dir.resolve("flowersim-out")).doesNotExist();
  }

  @Test
  void runWritesHistoryAndPlotAndWarnsOnceAboutClusterOnlyFields() throws Exception {
    String yaml = VALID + "  image: flowersim/runtime:0.1.0\n  queueName: team-a\n"
        + "  cluster:\n    head: {cpus: 2}\n";
    Path out = dir.resolve("out");
    Outcome o = run("run", file(yaml).toString(), "--out", out.toString(), "--cpus", "2",
        "--rounds", "3", "--seed", "7");

    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.err().lines().filter(l -> l.contains("ignores the cluster-only fields")))
        .containsExactly("warning: flowersim run ignores the cluster-only fields image, cluster, "
            + "queueName (they take effect with kubectl apply)");
    assertThat(o.out()).contains("round 1/3").contains("round 3/3").contains("ETA")
        .contains("accuracy");
    History history = HistoryJson.read(out.resolve("history.json"));
    assertThat(history.simulation).isEqualTo("tiny");
    assertThat(history.rounds).hasSize(3);
    assertThat(history.rounds.get(0).fitClients).isEqualTo(5);
    assertThat(history.rounds.get(0).evaluateClients).isEqualTo(5);
    byte[] png = Files.readAllBytes(out.resolve("history.png"));
    assertThat(png).hasSizeGreaterThan(1000);
    assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  /** A Java task's clients cannot be held to gpuMemory: the run says so once, and runs. */
  @Test
  void runSaysGpuMemoryIsNotEnforcedForJavaTasks() throws Exception {
    Path out = dir.resolve("out");
    Outcome o = run("run", file(VALID.replace("resources: {cpus: 1}",
        "resources: {cpus: 1, gpuMemory: 2Gi}")).toString(), "--out", out.toString(), "--cpus",
        "2", "--rounds", "1");
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.err().lines().filter(l -> l.contains("gpuMemory")))
        .containsExactly("warning: spec.clients.resources.gpuMemory (2Gi) is not enforced for "
            + "spec.task's Java clients: gpus decides how many share a GPU, and a client may use "
            + "more than gpuMemory (it is enforced for spec.flowerApp's Python clients, through "
            + "PyTorch's per-process memory fraction)");
    Outcome plain = run("run", file(VALID).toString(), "--out", dir.resolve("plain").toString(),
        "--cpus", "2", "--rounds", "1");
    assertThat(plain.code()).as(plain.err()).isZero();
    assertThat(plain.err()).doesNotContain("gpuMemory");
  }

  @Test
  void clientProcessAndWorkerInitOptionsThatCannotWorkAreRefused() throws Exception {
    String f = file(VALID).toString();
    Outcome mode = run("run", f, "--client-processes", "threads");
    assertThat(mode.code()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(mode.err()).contains(
        "--client-processes: must be one of pool, single, got \"threads\"");

    Outcome onRay = run("run", f, "--backend", "ray", "--ray-address", "127.0.0.1:1",
        "--client-processes", "pool");
    assertThat(onRay.code()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(onRay.err()).contains("--client-processes: only with --backend local");

    Outcome missing = run("run", f, "--worker-init", "com.example.NoSuchHook");
    assertThat(missing.code()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(missing.err()).contains("--worker-init: no class com.example.NoSuchHook");

    Outcome notAHook = run("run", f, "--worker-init", "java.lang.String");
    assertThat(notAHook.code()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(notAHook.err()).contains("--worker-init: java.lang.String does not implement "
        + "io.flowersim.engine.WorkerInitHook");
  }

  @Test
  void aTaskThatCannotShareAJvmRunsInThePoolOrInThisJvmAsChosen() throws Exception {
    String yaml = VALID.replace("task: synthetic", "task: " + PoolTestingTask.NAME);
    Outcome pool = run("run", file(yaml).toString(), "--out", dir.resolve("pool").toString(),
        "--cpus", "2", "--client-processes", "pool", "--worker-init",
        CountingWorkerInitHook.class.getName());
    assertThat(pool.code()).as(pool.err()).isZero();
    assertThat(pool.out()).contains("a pool of 2 worker JVMs").contains("round 2/2");
    assertThat(System.getProperty("flowersim.test.worker-init")).as("hook ran in the workers")
        .isNull();

    Outcome single = run("run", file(yaml).toString(), "--out", dir.resolve("one").toString(),
        "--cpus", "2", "--client-processes", "single", "--worker-init",
        CountingWorkerInitHook.class.getName());
    try {
      assertThat(single.code()).as(single.err()).isZero();
      assertThat(single.out()).contains("1 client(s) at once").contains("one at a time");
      assertThat(System.getProperty("flowersim.test.worker-init")).as("hook ran here")
          .isEqualTo("ran");
    } finally {
      System.clearProperty("flowersim.test.worker-init");
    }
    History a = HistoryJson.read(dir.resolve("pool").resolve("history.json"));
    History b = HistoryJson.read(dir.resolve("one").resolve("history.json"));
    assertThat(a.rounds).hasSize(2);
    assertThat(a.rounds).extracting(r -> r.distributedLoss)
        .isEqualTo(b.rounds.stream().map(r -> r.distributedLoss).toList());
  }
}
