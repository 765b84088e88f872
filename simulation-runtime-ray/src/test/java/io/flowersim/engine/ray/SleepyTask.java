package io.flowersim.engine.ray;

import io.flowersim.client.Client;
import io.flowersim.client.ClientContext;
import io.flowersim.client.Config;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.task.FederatedTask;
import io.flowersim.task.TaskSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * For the Ray tests: each fit sleeps {@code sleepMs} (so overlap is measurable) and returns the
 * parameters it got. With {@code crashClient} and {@code crashMarker} set, that client's first fit
 * kills its worker JVM (Runtime.halt), as a crashing native library would; the marker file makes it
 * crash only once.
 */
public final class SleepyTask implements FederatedTask {

  private Config config = Config.empty();

  @Override
  public String name() {
    return "ray-test-sleepy";
  }

  @Override
  public String description() {
    return "test task: fit sleeps, one client may crash its worker";
  }

  @Override
  public void setup(TaskSettings settings) {
    config = settings.taskConfig();
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
        int crash = config.getInt("crashClient", -1);
        String marker = config.getString("crashMarker", "");
        if (crash == context.clientId() && !marker.isEmpty()
            && !Files.exists(Path.of(marker))) {
          Files.createFile(Path.of(marker));
          Runtime.getRuntime().halt(137);
        }
        Thread.sleep(config.getLong("sleepMs", 500));
        return new FitResult(parameters, 10, Map.of());
      }

      @Override
      public EvaluateResult evaluate(Parameters parameters, Config c) {
        return new EvaluateResult(1.0, 10, Map.of());
      }
    };
  }

  @Override
  public Parameters initialParameters() {
    return Parameters.builder().add("w", new int[] {2}, new float[] {0f, 0f}).build();
  }
}
