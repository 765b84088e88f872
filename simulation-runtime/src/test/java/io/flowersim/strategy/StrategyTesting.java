package io.flowersim.strategy;

import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientOperation;
import io.flowersim.client.ClientResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.client.UpdateSum;
import io.flowersim.task.TestingTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Fit results and parameters for the strategy tests. */
final class StrategyTesting {

  private StrategyTesting() {}

  /** One tensor "w" holding {@code values}. */
  static Parameters p(float... values) {
    return TestingTask.parameters(values);
  }

  /** One client's fit: its parameters and example count. */
  record Fit(long numExamples, float[] values) {}

  static Fit fit(long numExamples, float... values) {
    return new Fit(numExamples, values);
  }

  /** Fit results from clients 0, 1, ... in order, with a train_loss metric of clientId + 1. */
  static RoundResults<FitResult> results(Fit... fits) {
    return results(List.of(), fits);
  }

  static RoundResults<FitResult> results(List<ClientFailure> failures, Fit... fits) {
    List<ClientResult<FitResult>> out = new ArrayList<>();
    for (int i = 0; i < fits.length; i++) {
      out.add(new ClientResult<>(i, new FitResult(p(fits[i].values()), fits[i].numExamples(),
          Map.of("train_loss", i + 1.0))));
    }
    return new RoundResults<>(out, failures);
  }

  /**
   * {@code results} as an engine that summed the updates where the clients ran delivers them: the
   * same clients, example counts and metrics, no parameters, and the sum.
   */
  static RoundResults<FitResult> summed(RoundResults<FitResult> results) {
    UpdateSum sum = new UpdateSum(results.results().get(0).result().parameters());
    List<ClientResult<FitResult>> out = new ArrayList<>();
    for (ClientResult<FitResult> r : results.results()) {
      sum.add(r.result().parameters(), r.result().numExamples());
      out.add(new ClientResult<>(r.clientId(), new FitResult(null, r.result().numExamples(),
          r.result().metrics())));
    }
    return new RoundResults<>(out, results.failures(), Optional.of(sum));
  }

  static ClientFailure failure(int clientId, int round) {
    return ClientFailure.of(clientId, round, ClientOperation.FIT,
        new IllegalStateException("boom"));
  }

  /** Runs one round of fit on {@code strategy}: configureFit with {@code global}, then aggregate. */
  static FitAggregate round(Strategy strategy, int round, Parameters global,
      RoundResults<FitResult> results) {
    strategy.configureFit(round, global, new ClientManager(10, 1));
    return strategy.aggregateFit(round, results);
  }

  static float[] values(FitAggregate aggregate) {
    return aggregate.parameters().orElseThrow().values();
  }
}
