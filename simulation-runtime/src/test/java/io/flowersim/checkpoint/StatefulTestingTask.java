package io.flowersim.checkpoint;

import io.flowersim.client.Client;
import io.flowersim.client.ClientContext;
import io.flowersim.client.Config;
import io.flowersim.client.ConfigKeys;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.task.FederatedTask;
import io.flowersim.task.TaskSettings;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A task whose clients keep state that changes what they send, as SCAFFOLD's control variates
 * do: each fit counts the client's fits (an Integer) and keeps a float[] correction, the running
 * mean of its own past updates, that it adds to the next update; with a little noise drawn from
 * the client, the round and the fit count. A run that lost or mangled a client's state, or
 * restored it as other types, trains differently.
 */
public final class StatefulTestingTask implements FederatedTask {

  public static final String NAME = "testing-stateful";
  private static final int SIZE = 8;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "test task whose clients keep a fit count and a correction vector in their state";
  }

  @Override
  public void setup(TaskSettings settings) {}

  @Override
  public Parameters initialParameters() {
    return Parameters.builder().add("w", new int[] {SIZE}, new float[SIZE]).build();
  }

  /** The client's own optimum: the model moves towards the mean of these. */
  private static float target(int clientId, int i) {
    return (float) Math.sin(clientId * 0.7 + i);
  }

  @Override
  public Optional<EvaluateResult> evaluateCentralized(int round, Parameters parameters) {
    double loss = 0;
    for (float v : parameters.values()) {
      loss += v * v;
    }
    return Optional.of(new EvaluateResult(loss, 1, Map.of("norm", Math.sqrt(loss))));
  }

  @Override
  public Client createClient(ClientContext context) {
    int id = context.clientId();
    return new Client() {
      @Override
      public Parameters getParameters(Config config) {
        return initialParameters();
      }

      @Override
      public FitResult fit(Parameters parameters, Config config) {
        int fits = context.state().getOrDefault("fits", 0) + 1;
        float[] correction = context.state().getOrDefault("correction", new float[SIZE]);
        int round = config.getInt(ConfigKeys.SERVER_ROUND, 0);
        SplittableRandom noise = new SplittableRandom(id * 1_000_003L + round * 7919L + fits);
        float[] w = parameters.values();
        float[] out = new float[SIZE];
        float[] next = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
          float update = 0.3f * (target(id, i) - w[i]) + 0.1f * correction[i]
              + (float) (0.01 * noise.nextGaussian());
          out[i] = w[i] + update;
          next[i] = correction[i] + (update - correction[i]) / fits;
        }
        context.state().put("fits", fits);
        context.state().put("correction", next);
        return new FitResult(Parameters.withLayoutOf(parameters, out), 5 + id % 3,
            Map.of("fits", (double) fits));
      }

      @Override
      public EvaluateResult evaluate(Parameters parameters, Config config) {
        double loss = 0;
        float[] w = parameters.values();
        for (int i = 0; i < SIZE; i++) {
          double d = w[i] - target(id, i);
          loss += d * d;
        }
        int fits = context.state().getOrDefault("fits", 0);
        return new EvaluateResult(loss, 4, Map.of("fitsSoFar", (double) fits));
      }
    };
  }
}
