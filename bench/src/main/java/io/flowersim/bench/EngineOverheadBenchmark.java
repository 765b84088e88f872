package io.flowersim.bench;

import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.client.Config;
import io.flowersim.engine.ClientRunner;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.ClientScheduler;
import io.flowersim.engine.LocalThreads;
import io.flowersim.server.History;
import io.flowersim.server.Server;
import io.flowersim.server.ServerListener;
import io.flowersim.strategy.ClientManager;
import io.flowersim.strategy.FedAvg;
import io.flowersim.task.TaskSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the engine and server cost per client when the clients do nothing: no-op clients (fit
 * returns the global parameters unchanged, evaluate returns a constant loss) on the local backend,
 * wired as the runtime wires it: {@code Server(LocalThreads.engine(ClientRunner(task)), FedAvg,
 * ClientManager)}. A plain main, not JMH: one measured unit is a whole 20-round simulation.
 *
 * <p>What is counted: a <em>client-round</em> is one sampled client's fit plus its evaluate in one
 * round (fractionFit = fractionEvaluate, so every round has as many evaluate calls as fit calls);
 * {@code us/client-round = wall time of Server.fit / (rounds x clients per round)}. A <em>client
 * call</em> (one fit or one evaluate) is half of that. The wall time covers everything the server
 * loop does: sampling, configuring, submitting to the thread pool, creating the ephemeral client,
 * the runner's checks, FedAvg's aggregation of the fit results (for 1M floats that is 4 MB read per
 * fit result and dominates), metric and loss aggregation, and the round record.
 */
public final class EngineOverheadBenchmark {

  static final int CLIENTS = 100;
  static final int ROUNDS = 20;

  record Case(int perRound, int floats) {}

  /** Runs one simulation of {@link #ROUNDS} rounds and returns its wall time in nanoseconds. */
  static long runOnce(Case c, int slots) {
    NoOpTask task = new NoOpTask();
    TaskSettings settings = new TaskSettings(Config.of(Map.of(NoOpTask.FLOATS, c.floats())),
        CLIENTS, new PartitioningSpec());
    task.setup(settings);
    double fraction = (double) c.perRound() / CLIENTS;
    FedAvg strategy = FedAvg.builder()
        .fractionFit(fraction).fractionEvaluate(fraction)
        .minFitClients(c.perRound()).minEvaluateClients(c.perRound())
        .minAvailableClients(CLIENTS)
        .build();
    try (ClientScheduler engine = LocalThreads.engine(
        new ClientRunner(task, settings, new ClientStateStore()),
        new EngineResources(slots, 0), slots)) {
      Server server = new Server(engine, strategy, new ClientManager(CLIENTS, 42),
          Duration.ofMinutes(10));
      History history = new History("engine-overhead");
      long start = System.nanoTime();
      server.fit(ROUNDS, task::initialParameters, history, ServerListener.NONE);
      long elapsed = System.nanoTime() - start;
      if (history.rounds().size() != ROUNDS) {
        throw new IllegalStateException("expected " + ROUNDS + " rounds, got "
            + history.rounds().size());
      }
      var last = history.last().orElseThrow();
      if (last.fitClients != c.perRound() || last.evaluateClients != c.perRound()
          || last.fitFailures != 0 || last.evaluateFailures != 0) {
        throw new IllegalStateException("unexpected round record: fit " + last.fitClients + "/"
            + last.fitFailures + " failed, evaluate " + last.evaluateClients + "/"
            + last.evaluateFailures + " failed");
      }
      return elapsed;
    }
  }

  /**
   * Arguments: {@code --quick} (10 warm-up and 10 measured simulations per setting instead of 30
   * and 30), {@code --slots N} (clients at once; default: the cores of this machine, as the local
   * backend with cpus: 1 per client).
   */
  public static void main(String[] args) {
    boolean quick = false;
    int slots = Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--slots" -> slots = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: EngineOverheadBenchmark [--quick] [--slots N]");
          System.exit(2);
        }
      }
    }
    int warmups = quick ? 10 : 30;
    int reps = quick ? 10 : 30;
    List<Case> cases = List.of(new Case(10, 1_000), new Case(100, 1_000),
        new Case(10, 1_000_000), new Case(100, 1_000_000));

    System.out.printf(Locale.ROOT, "engine overhead: local backend, %d client slot(s), %d clients, "
        + "%d rounds, no-op clients; %d warm-up + %d measured simulations per setting%n",
        slots, CLIENTS, ROUNDS, warmups, reps);
    System.out.printf(Locale.ROOT, "%-14s %-10s %12s %16s %12s %14s%n", "clients/round",
        "floats", "ms/sim (med)", "us/client-round", "(min)", "us/client-call");
    for (Case c : cases) {
      for (int i = 0; i < warmups; i++) {
        runOnce(c, slots);
      }
      long[] times = new long[reps];
      for (int i = 0; i < reps; i++) {
        System.gc();
        times[i] = runOnce(c, slots);
      }
      Arrays.sort(times);
      double median = reps % 2 == 1 ? times[reps / 2]
          : (times[reps / 2 - 1] + times[reps / 2]) / 2.0;
      double clientRounds = (double) ROUNDS * c.perRound();
      double usMedian = median / 1e3 / clientRounds;
      double usMin = times[0] / 1e3 / clientRounds;
      System.out.printf(Locale.ROOT, "%-14d %-10d %12.1f %16.1f %12.1f %14.1f%n", c.perRound(),
          c.floats(), median / 1e6, usMedian, usMin, usMedian / 2);
    }
    System.out.println("client-round = one sampled client's fit + its evaluate in one round; "
        + "us/client-round = wall time / (rounds x clients per round); client-call = half of it.");
  }
}
