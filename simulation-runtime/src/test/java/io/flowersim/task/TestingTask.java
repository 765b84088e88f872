package io.flowersim.task;

import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.client.Client;
import io.flowersim.client.ClientContext;
import io.flowersim.client.Config;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * A task for tests whose client behaviour is given as lambdas. By default a client's fit returns
 * the parameters it got (10 examples) and its evaluate returns loss 1.0 (10 examples). Counts the
 * clients it creates and the fit/evaluate calls they receive.
 */
public final class TestingTask implements FederatedTask {

  /** A client's fit. */
  @FunctionalInterface
  public interface Fit {
    FitResult fit(ClientContext context, Parameters parameters, Config config) throws Exception;
  }

  /** A client's evaluate. */
  @FunctionalInterface
  public interface Evaluate {
    EvaluateResult evaluate(ClientContext context, Parameters parameters, Config config)
        throws Exception;
  }

  public final AtomicLong clientsCreated = new AtomicLong();
  public final AtomicLong fitCalls = new AtomicLong();
  public final AtomicLong evaluateCalls = new AtomicLong();

  private Parameters initial = parameters(new float[] {0f, 0f});
  private Fit fit = (ctx, p, c) -> new FitResult(p, 10, Map.of());
  private Evaluate evaluate = (ctx, p, c) -> new EvaluateResult(1.0, 10, Map.of());
  private BiFunction<Integer, Parameters, Optional<EvaluateResult>> centralized =
      (round, p) -> Optional.empty();
  private boolean concurrent = true;

  /** One tensor "w" holding {@code values}. */
  public static Parameters parameters(float[] values) {
    return Parameters.builder().add("w", new int[] {values.length}, values).build();
  }

  /** Settings for {@code numClients} clients, empty task config, default partitioning. */
  public static TaskSettings settings(int numClients) {
    return new TaskSettings(Config.empty(), numClients, new PartitioningSpec());
  }

  public TestingTask initial(Parameters p) {
    initial = p;
    return this;
  }

  public TestingTask onFit(Fit f) {
    fit = f;
    return this;
  }

  public TestingTask onEvaluate(Evaluate e) {
    evaluate = e;
    return this;
  }

  public TestingTask centralized(BiFunction<Integer, Parameters, Optional<EvaluateResult>> c) {
    centralized = c;
    return this;
  }

  public TestingTask concurrent(boolean c) {
    concurrent = c;
    return this;
  }

  @Override
  public String name() {
    return "testing";
  }

  @Override
  public String description() {
    return "a task for tests";
  }

  @Override
  public void setup(TaskSettings settings) {}

  @Override
  public Client createClient(ClientContext context) {
    clientsCreated.incrementAndGet();
    return new Client() {
      @Override
      public Parameters getParameters(Config config) {
        return initial;
      }

      @Override
      public FitResult fit(Parameters parameters, Config config) throws Exception {
        fitCalls.incrementAndGet();
        return fit.fit(context, parameters, config);
      }

      @Override
      public EvaluateResult evaluate(Parameters parameters, Config config) throws Exception {
        evaluateCalls.incrementAndGet();
        return evaluate.evaluate(context, parameters, config);
      }
    };
  }

  @Override
  public Parameters initialParameters() {
    return initial;
  }

  @Override
  public Optional<EvaluateResult> evaluateCentralized(int round, Parameters parameters) {
    return centralized.apply(round, parameters);
  }

  @Override
  public boolean clientsRunConcurrentlyInOneProcess() {
    return concurrent;
  }
}
