package io.flowersim.engine;

import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientOperation;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import java.util.List;

/**
 * What one worker runs at a time: some clients of one round's fit or evaluate, one after the
 * other, all on the round's model. {@code R} is what each client delivers ({@link FitResult} or
 * {@link EvaluateResult}), fixed by the two factories.
 *
 * @param sumUpdates fit only: the worker adds the updates up as they come ({@link
 *     BatchResult#meanValues()}) and leaves each result's parameters out
 */
public record Batch<R>(int round, ClientOperation operation, Parameters model,
    List<ClientInstruction> clients, boolean sumUpdates) {

  public static Batch<FitResult> fit(int round, Parameters model,
      List<ClientInstruction> clients, boolean sumUpdates) {
    return new Batch<>(round, ClientOperation.FIT, model, clients, sumUpdates);
  }

  public static Batch<EvaluateResult> evaluate(int round, Parameters model,
      List<ClientInstruction> clients) {
    return new Batch<>(round, ClientOperation.EVALUATE, model, clients, false);
  }

  public boolean isFit() {
    return operation == ClientOperation.FIT;
  }
}
