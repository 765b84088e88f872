package io.flowersim.cli;

import io.flowersim.client.Client;
import io.flowersim.client.ClientContext;
import io.flowersim.client.Config;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.task.FederatedTask;
import io.flowersim.task.TaskOption;
import io.flowersim.task.TaskOptions;
import io.flowersim.task.TaskSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A model whose server-side loss becomes NaN from round taskConfig.divergeAt on. */
public final class DivergingTestingTask implements FederatedTask {

  static final String NAME = "testing-diverging";
  static final TaskOption<Integer> DIVERGE_AT = TaskOption.wholeNumber("divergeAt", 2, 1,
      Integer.MAX_VALUE);

  private int divergeAt;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "test task whose loss becomes NaN (" + options().describe() + ")";
  }

  @Override
  public TaskOptions options() {
    return TaskOptions.of(List.of(DIVERGE_AT));
  }

  @Override
  public void setup(TaskSettings settings) {
    divergeAt = settings.get(DIVERGE_AT);
  }

  @Override
  public Client createClient(ClientContext context) {
    return new Client() {
      @Override
      public Parameters getParameters(Config config) {
        return initialParameters();
      }

      @Override
      public FitResult fit(Parameters parameters, Config config) {
        return new FitResult(parameters, 1, Map.of());
      }

      @Override
      public EvaluateResult evaluate(Parameters parameters, Config config) {
        return new EvaluateResult(1.0, 1, Map.of());
      }
    };
  }

  @Override
  public Parameters initialParameters() {
    return Parameters.builder().add("w", new int[] {1}, new float[] {0f}).build();
  }

  @Override
  public Optional<EvaluateResult> evaluateCentralized(int round, Parameters parameters) {
    return Optional.of(new EvaluateResult(round >= divergeAt ? Double.NaN : 0.5, 1,
        Map.of("accuracy", 0.5)));
  }
}
