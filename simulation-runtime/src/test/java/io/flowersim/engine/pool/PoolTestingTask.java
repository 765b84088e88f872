package io.flowersim.engine.pool;

import io.flowersim.client.Client;
import io.flowersim.client.ClientContext;
import io.flowersim.client.Config;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.task.FederatedTask;
import io.flowersim.task.TaskSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * For the worker pool's tests, loaded by name in the worker JVMs; like DJL's tasks it declares that
 * its clients cannot share a JVM. A fit adds 1 to every value, counts the client's fits in its
 * state and reports the count (metric "fits"). taskConfig: {@code rendezvousDir} (each fit waits
 * until a fit in another process has started, so fits of different workers provably overlap),
 * {@code haltClient} / {@code hangClient} with {@code marker} (that client's first fit kills its
 * JVM, as a crashing native library would, or never returns), {@code failSetup}; {@code
 * varied}: a fit adds clientId + 1 instead of 1 and reports clientId + 1 examples, so that a mean
 * weighted wrongly, or missing a client, shows.
 */
public final class PoolTestingTask implements FederatedTask {

  public static final String NAME = "testing-pool";

  private Config config = Config.empty();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "test task for the local worker pool";
  }

  @Override
  public void setup(TaskSettings settings) {
    config = settings.taskConfig();
    if (config.getBoolean("failSetup", false)) {
      throw new IllegalArgumentException("spec.taskConfig.failSetup: refused on purpose");
    }
  }

  @Override
  public boolean clientsRunConcurrentlyInOneProcess() {
    return false;
  }

  @Override
  public Client createClient(ClientContext context) {
    return new Client() {
      @Override
      public Parameters getParameters(Config c) {
        return initialParameters();
      }

      @Override
      public FitResult fit(Parameters parameters, Config c) throws Exception {
        int id = context.clientId();
        if (firstTime(id, "haltClient")) {
          Runtime.getRuntime().halt(137);
        }
        if (firstTime(id, "hangClient")) {
          Thread.sleep(Long.MAX_VALUE);
        }
        String dir = config.getString("rendezvousDir", "");
        if (!dir.isEmpty()) {
          meetAnotherProcess(Path.of(dir));
        }
        int fits = context.state().getOrDefault("fits", 0) + 1;
        context.state().put("fits", fits);
        boolean varied = config.getBoolean("varied", false);
        float[] v = parameters.values().clone();
        for (int i = 0; i < v.length; i++) {
          v[i] += varied ? id + 1 : 1;
        }
        return new FitResult(Parameters.withLayoutOf(parameters, v), varied ? id + 1 : 10,
            Map.of("fits", (double) fits));
      }

      @Override
      public EvaluateResult evaluate(Parameters parameters, Config c) {
        return new EvaluateResult(parameters.values()[0], 10, Map.of());
      }
    };
  }

  /** Whether {@code key} names this client and its marker file did not exist yet (creates it). */
  private boolean firstTime(int clientId, String key) throws IOException {
    if (config.getInt(key, -1) != clientId) {
      return false;
    }
    Path marker = Path.of(config.getString("marker", "")).resolve(key);
    if (Files.exists(marker)) {
      return false;
    }
    Files.createFile(marker);
    return true;
  }

  /** Announces this process and waits (at most 30 s) until another process has announced. */
  private static void meetAnotherProcess(Path dir) throws Exception {
    String me = Long.toString(ProcessHandle.current().pid());
    Files.writeString(dir.resolve(me), me);
    long giveUp = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < giveUp) {
      try (Stream<Path> files = Files.list(dir)) {
        if (files.anyMatch(f -> !f.getFileName().toString().equals(me))) {
          return;
        }
      }
      Thread.sleep(10);
    }
  }

  @Override
  public Parameters initialParameters() {
    return Parameters.builder().add("w", new int[] {2}, new float[] {0f, 0f}).build();
  }
}
