package io.flowersim.strategy;

import io.flowersim.client.ClientInstruction;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import java.util.List;
import java.util.Optional;

/** Flower's Strategy: the six hooks through which the server loop asks what to do. */
public interface Strategy {

  /** The global model's starting point; empty means "ask the task". */
  Optional<Parameters> initializeParameters();

  /** Which clients train this round, with which config. */
  List<ClientInstruction> configureFit(int round, Parameters parameters, ClientManager clients);

  /**
   * What the round's fit clients receive: the global parameters, unless the strategy sends more
   * with them (SCAFFOLD appends its server control variate). Each fit result has this layout; the
   * new global parameters {@link #aggregateFit} returns have the global ones'. Called after
   * {@link #configureFit}.
   */
  default Parameters fitParameters(int round, Parameters global) {
    return global;
  }

  /** New global parameters from the clients' updates. */
  FitAggregate aggregateFit(int round, RoundResults<FitResult> results);

  /** Which clients evaluate this round; an empty list skips distributed evaluation. */
  List<ClientInstruction> configureEvaluate(int round, Parameters parameters, ClientManager clients);

  /** The round's distributed loss and metrics from the clients' evaluations. */
  EvaluateAggregate aggregateEvaluate(int round, RoundResults<EvaluateResult> results);

  /** Server-side (centralized) evaluation; empty when the strategy has none. */
  Optional<EvaluateResult> evaluate(int round, Parameters parameters);

  /**
   * True when {@link #aggregateFit} needs of the clients' parameters only their example-weighted
   * mean (FedAvg, FedProx, FedAvgM, the FedOpt family), so an engine may sum the updates where the
   * clients ran and deliver their sum ({@link RoundResults#updateSum()}) instead of every
   * client's parameters. False for strategies that look at each update (median, Krum, clipping).
   * Strategies built on {@link MeanAggregatingStrategy} or {@link UpdateAggregatingStrategy} get
   * it right by construction.
   */
  boolean aggregatesMeanOfUpdates();

  /**
   * Whether a round with failures may be aggregated at all. The server fails the run with a clear
   * message when this is false and a client failed (Flower silently skips the round instead).
   */
  boolean acceptFailures();

  /**
   * What this strategy keeps from one round to the next (FedAvgM's momentum, FedOpt's moments, the
   * DP wrapper's noise generator), for the checkpoint written after a round. The server calls it
   * between rounds. A strategy that keeps anything between rounds must return it here, or a
   * resumed run differs from the uninterrupted one; the default is for strategies that keep
   * nothing.
   */
  default StrategyState saveState() {
    return StrategyState.empty();
  }

  /**
   * Takes back what {@link #saveState()} returned, on a fresh strategy built from the same spec,
   * before the round after the checkpoint's. The global parameters are the server's, not part of
   * this state.
   */
  default void restoreState(StrategyState state) {}
}
