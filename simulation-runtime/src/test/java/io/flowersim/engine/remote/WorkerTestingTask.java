package io.flowersim.engine.remote;

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
 * For the ClientWorker tests, loaded by name as a worker loads its task. Client k's fit returns the
 * model plus k in every value, trained on k examples, with metric "client" = k; its evaluate
 * returns loss k. taskConfig {@code failClient}: that client's fit throws.
 */
public final class WorkerTestingTask implements FederatedTask {

  public static final String NAME = "testing-worker";

  private int failClient = -1;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "test task for the client worker";
  }

  @Override
  public void setup(TaskSettings settings) {
    failClient = settings.taskConfig().getInt("failClient", -1);
  }

  @Override
  public Client createClient(ClientContext context) {
    int id = context.clientId();
    return new Client() {
      @Override
      public Parameters getParameters(Config c) {
        return initialParameters();
      }

      @Override
      public FitResult fit(Parameters parameters, Config c) {
        if (id == failClient) {
          throw new IllegalStateException("client " + id + " fails on purpose");
        }
        float[] v = parameters.values().clone();
        for (int i = 0; i < v.length; i++) {
          v[i] += id;
        }
        return new FitResult(Parameters.withLayoutOf(parameters, v), id,
            Map.of("client", (double) id));
      }

      @Override
      public EvaluateResult evaluate(Parameters parameters, Config c) {
        return new EvaluateResult(id, 10, Map.of());
      }
    };
  }

  @Override
  public Parameters initialParameters() {
    return Parameters.builder().add("w", new int[] {2}, new float[] {0f, 0f}).build();
  }
}
