package io.flowersim.bench;

import io.flowersim.client.Client;
import io.flowersim.client.ClientContext;
import io.flowersim.client.Config;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.task.FederatedTask;
import io.flowersim.task.TaskSettings;
import java.util.Map;

/**
 * Task "noop": clients that do nothing (fit echoes the parameters, evaluate returns a constant), so
 * a run measures the engine alone. taskConfig {@code floats} sets the model size (default 1000).
 * Registered by ServiceLoader, so `bin/flowersim` runs it with the bench jar on its classpath.
 */
public final class NoOpTask implements FederatedTask {

  public static final String FLOATS = "floats";

  private Parameters initial;

  @Override
  public String name() {
    return "noop";
  }

  @Override
  public String description() {
    return "no-op clients for engine benchmarks (taskConfig: floats)";
  }

  @Override
  public void setup(TaskSettings settings) {
    int floats = settings.taskConfig().getInt(FLOATS, 1000);
    initial = Parameters.builder().add("w", new int[] {floats}, new float[floats]).build();
  }

  @Override
  public Client createClient(ClientContext context) {
    return new Client() {
      @Override
      public Parameters getParameters(Config config) {
        return initial;
      }

      @Override
      public FitResult fit(Parameters parameters, Config config) {
        return new FitResult(parameters, 1, Map.of());
      }

      @Override
      public EvaluateResult evaluate(Parameters parameters, Config config) {
        return new EvaluateResult(0.5, 1, Map.of());
      }
    };
  }

  @Override
  public Parameters initialParameters() {
    return initial;
  }
}
