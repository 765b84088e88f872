package io.flowersim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.server.History;
import io.flowersim.server.HistoryJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * examples/flower-numpy.yaml as shipped, end to end through the CLI: its Flower App's NumPyClient
 * in the local pool of Python workers, flowersim's server and FedAvg; and a spec.flowerApp that
 * cannot work refused by validate and run alike.
 */
class FlowerAppExampleTest {

  private static final Path EXAMPLE = Path.of("../examples/flower-numpy.yaml");
  private static final Path MESSAGE_APP = Path.of("src/test/resources/flowerapps/message_api")
      .toAbsolutePath();

  @TempDir
  Path dir;

  record Outcome(int code, String out, String err) {}

  private static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = FlowersimCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void theExampleTrainsItsLinearModel() throws Exception {
    Path out = dir.resolve("out");
    Outcome o = run("run", EXAMPLE.toString(), "--out", out.toString());
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out()).contains("Flower App ").contains("a pool of 2 Python worker(s)")
        .contains("legacy API");
    History history = HistoryJson.read(out.resolve("history.json"));
    assertThat(history.rounds).hasSize(5).allSatisfy(r -> {
      assertThat(r.fitClients).isEqualTo(10);
      assertThat(r.fitFailures).isZero();
      assertThat(r.evaluateClients).isEqualTo(10);
      assertThat(r.distributedMetrics).containsKeys("fit_train_loss", "mse");
    });
    double first = history.rounds.get(0).distributedLoss;
    double last = history.rounds.get(4).distributedLoss;
    // Gradient descent on y = Xw + b: the federated model's error shrinks round after round.
    assertThat(last).isLessThan(first / 10);
    for (int r = 1; r < 5; r++) {
      assertThat(history.rounds.get(r).distributedLoss)
          .isLessThan(history.rounds.get(r - 1).distributedLoss);
      assertThat(history.rounds.get(r).centralizedLoss)
          .isLessThan(history.rounds.get(r - 1).centralizedLoss);
    }
    // Its evaluateFn on the server's test set: the zero model's error there, then the rounds'.
    assertThat(history.initial.centralizedLoss).isCloseTo(14.0235, within(1e-4));
    assertThat(history.rounds.get(4).centralizedLoss).isLessThan(history.rounds.get(0)
        .centralizedLoss / 10);
  }

  @Test
  void aFlowerAppFieldThatCannotWorkIsRefusedBeforeAnythingRuns() throws Exception {
    Path app = dir.resolve("app");
    Files.createDirectories(app);
    Files.writeString(app.resolve("pyproject.toml"), """
        [project]
        name = "x"
        version = "1.0.0"
        [tool.flwr.app.config]
        lr = 0.1
        """);
    Path file = dir.resolve("sim.yaml");
    Files.writeString(file, """
        apiVersion: flowersim.io/v1alpha1
        kind: FlowerSimulation
        metadata: {name: bad-app}
        spec:
          flowerApp: {path: app, runConfig: {lr: 0.2}}
          rounds: 1
          clients: {count: 2}
        """);
    Path out = dir.resolve("out");
    for (String command : new String[] {"validate", "run"}) {
      Outcome o = command.equals("run") ? run("run", file.toString(), "--out", out.toString())
          : run("validate", file.toString());
      assertThat(o.code()).isEqualTo(2);
      assertThat(o.err()).contains("spec.flowerApp.clientApp: not set, and "
          + app.toAbsolutePath().resolve("pyproject.toml") + " has no clientapp in "
          + "[tool.flwr.app.components]");
      // run leaves the import to its workers: their refusal reads as validate's, one line
      assertThat(o.err().lines().filter(l -> l.contains("spec.flowerApp")).count())
          .as(command).isEqualTo(1);
      assertThat(o.err()).as(command).doesNotContain("local pool");
    }
    assertThat(out).doesNotExist();
  }

  /** The test Message-API app over two clients and {@code rounds} rounds, with an evaluateFn. */
  private Path messageAppWithEvaluateFn(String evaluateFn, int rounds) throws Exception {
    return messageAppWithEvaluateFn(evaluateFn, rounds, "{count: 2}");
  }

  /** As above, with {@code clients} as spec.clients. */
  private Path messageAppWithEvaluateFn(String evaluateFn, int rounds, String clients)
      throws Exception {
    Path file = dir.resolve("central.yaml");
    Files.writeString(file, """
        apiVersion: flowersim.io/v1alpha1
        kind: FlowerSimulation
        metadata: {name: central}
        spec:
          flowerApp:
            path: %s
            initialArrays: message_app.client_app:initial_arrays
            evaluateFn: %s
          rounds: %d
          clients: %s
          strategy: {name: FedAvg, fractionFit: 1.0, fractionEvaluate: 1.0}
        """.formatted(MESSAGE_APP, evaluateFn, rounds, clients));
    return file;
  }

  /**
   * Round 0 on the initial model, then every round on its global model: the evaluateFn's loss
   * (sum(w) + round) next to the clients' (sum(w) + partition, so their mean is sum(w) + 0.5) on
   * the same model, its round and the int64 counter every fit adds one to.
   */
  @Test
  void theEvaluateFnIsTheCentralizedEvaluationOfEveryRound() throws Exception {
    Path out = dir.resolve("out");
    Outcome o = run("run", messageAppWithEvaluateFn("message_app.central:global_evaluate", 3)
        .toString(), "--out", out.toString());
    assertThat(o.code()).as(o.err()).isZero();
    History history = HistoryJson.read(out.resolve("history.json"));
    assertThat(history.initial.centralizedLoss).isEqualTo(0.0);
    assertThat(history.initial.centralizedMetrics).containsEntry("server-round", 0.0)
        .containsEntry("steps", 0.0).containsEntry("steps-int64", 1.0)
        .doesNotContainKeys("curve", "num-examples");
    assertThat(history.rounds).hasSize(3);
    for (var r : history.rounds) {
      assertThat(r.centralizedMetrics).containsEntry("server-round", (double) r.round)
          .containsEntry("steps", (double) r.round);
      assertThat(r.centralizedLoss).isCloseTo(r.distributedLoss - 0.5 + r.round,
          within(1e-4));
    }
    // FedAvg of w + 1 + partition weighted 10 and 11: sum(w) grows by 6 * (1 + 11/21) a round.
    assertThat(history.rounds.get(2).centralizedLoss - 3)
        .isCloseTo(3 * 6 * (1 + 11.0 / 21), within(1e-3));
  }

  /**
   * The app's int64 counter stays int64 wherever the global model goes: to the clients of a client
   * group other than the one that gave the initial model, to the evaluateFn, and after a resume
   * from a checkpoint (which makes no initial call).
   */
  @Test
  void everyGroupTheEvaluateFnAndAResumedRunGetTheArraysInTheAppsDtypes() throws Exception {
    Path file = messageAppWithEvaluateFn("message_app.central:global_evaluate", 2,
        "{count: 2, groups: [{name: a, count: 1}, {name: b, count: 1}]}");
    Path out = dir.resolve("out");
    Outcome first = run("run", file.toString(), "--out", out.toString());
    assertThat(first.code()).as(first.err()).isZero();
    Outcome resumed = run("run", file.toString(), "--out", out.toString(), "--resume",
        "--rounds", "3");
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("resuming after round 2 of 3");
    History history = HistoryJson.read(out.resolve("history.json"));
    assertThat(history.initial.centralizedMetrics).containsEntry("steps-int64", 1.0);
    assertThat(history.rounds).hasSize(3);
    for (var r : history.rounds) {
      // Both clients, one per group, saw steps as int64 (the mean of their 0/1 is 1).
      assertThat(r.distributedMetrics).as("round %d", r.round)
          .containsEntry("fit_steps-int64", 1.0);
      assertThat(r.centralizedMetrics).as("round %d", r.round)
          .containsEntry("steps-int64", 1.0).containsEntry("steps", (double) r.round);
    }
  }

  @Test
  void aRaisingEvaluateFnFailsTheRunNamingTheFieldAndTheRound() throws Exception {
    Path out = dir.resolve("out");
    Outcome o = run("run", messageAppWithEvaluateFn("message_app.central:raise_in_round_two", 3)
        .toString(), "--out", out.toString());
    assertThat(o.code()).isEqualTo(1);
    assertThat(o.err()).contains("spec.flowerApp.evaluateFn "
        + "(message_app.central:raise_in_round_two) failed in round 2: ValueError: no central "
        + "test set in round 2");
    assertThat(HistoryJson.read(out.resolve("history.json")).rounds).hasSize(1);
  }

  @Test
  void anEvaluateFnThatIsNotCallableIsRefusedByValidateAndRunAlike() throws Exception {
    Path file = messageAppWithEvaluateFn("message_app.central:not_callable", 1);
    Path out = dir.resolve("out");
    for (String command : new String[] {"validate", "run"}) {
      Outcome o = command.equals("run") ? run("run", file.toString(), "--out", out.toString())
          : run("validate", file.toString());
      assertThat(o.code()).as(command).isEqualTo(2);
      assertThat(o.err().lines().filter(l -> l.contains("spec.flowerApp"))).as(command)
          .containsExactly("error: " + file + ": spec.flowerApp.evaluateFn: "
              + "message_app.central:not_callable is not callable "
              + "(Flower's evaluate_fn: (server_round: int, arrays: ArrayRecord) -> MetricRecord)");
    }
    assertThat(out).doesNotExist();
  }

  @Test
  void aLocalRunImportsTheAppOnlyInItsWorkers() throws Exception {
    Path app = dir.resolve("counted");
    Files.createDirectories(app.resolve("counted"));
    Files.writeString(app.resolve("pyproject.toml"), """
        [project]
        name = "counted"
        version = "1.0.0"
        [tool.flwr.app.components]
        clientapp = "counted.client_app:app"
        """);
    Files.writeString(app.resolve("counted/__init__.py"), "");
    // Every process that imports the app says so in imports.log, next to the app.
    Files.writeString(app.resolve("counted/client_app.py"), """
        import os
        import numpy as np
        from flwr.client import NumPyClient
        from flwr.clientapp import ClientApp

        with open(os.path.join(os.path.dirname(__file__), "..", "imports.log"), "a") as log:
            log.write(f"{os.getpid()}\\n")

        class Client(NumPyClient):
            def get_parameters(self, config):
                return [np.zeros(2, dtype=np.float32)]

            def fit(self, parameters, config):
                return [p + 1 for p in parameters], 1, {}

            def evaluate(self, parameters, config):
                return float(parameters[0].sum()), 1, {}

        app = ClientApp(client_fn=lambda context: Client().to_client())
        """);
    Path file = dir.resolve("sim.yaml");
    Files.writeString(file, """
        apiVersion: flowersim.io/v1alpha1
        kind: FlowerSimulation
        metadata: {name: counted}
        spec:
          flowerApp: {path: counted}
          rounds: 1
          clients: {count: 2, resources: {cpus: 1}}
          strategy: {minFitClients: 2, minEvaluateClients: 2, minAvailableClients: 2}
        """);
    Path log = app.resolve("imports.log");

    Outcome validated = run("validate", file.toString());
    assertThat(validated.code()).as(validated.err()).isZero();
    assertThat(Files.readAllLines(log)).hasSize(1);

    Files.delete(log);
    Outcome o = run("run", file.toString(), "--out", dir.resolve("out").toString(), "--cpus",
        "1");
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.out()).contains("a pool of 1 Python worker(s)");
    // the one worker; no check of its own before it
    assertThat(Files.readAllLines(log)).hasSize(1);
  }
}
