package io.flowersim.checkpoint;

import io.flowersim.client.Parameters;
import io.flowersim.server.History;
import io.flowersim.strategy.StrategyState;
import java.util.Map;

/**
 * Everything a run needs to continue after {@code round} as if it had never stopped: the global
 * parameters that round ended with, the strategy's own state, the position of the client-sampling
 * sequence (drop-outs and the clients' own randomness are drawn from the seed and the round, so
 * they need none), the state of every client that has some, the history so far, and the spec it
 * was made from (as JSON, compared with the spec of the run that resumes).
 *
 * @param specJson the spec as {@link SpecDifferences#json} writes it
 * @param clientStates by client id; only clients with state
 */
public record Checkpoint(int round, String specJson, History history, Parameters parameters,
    long samplingPosition, StrategyState strategyState,
    Map<Integer, Map<String, Object>> clientStates) {

  /**
   * The layout of the file this flowersim writes: 2 keeps each tensor's dtype. A reader refuses
   * other versions than this and {@link #FIRST_FORMAT_VERSION} (whose tensors are all float32).
   */
  public static final int FORMAT_VERSION = 2;

  /** The first layout, without dtypes: still read. */
  public static final int FIRST_FORMAT_VERSION = 1;
}
