package io.flowersim.server;

import io.flowersim.api.v1alpha1.spec.OnDivergence;
import io.flowersim.api.v1alpha1.status.NonFiniteValues;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientOperation;
import io.flowersim.client.ClientResult;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.engine.ClientEngine;
import io.flowersim.engine.ClientGroups;
import io.flowersim.engine.ClientListener;
import io.flowersim.strategy.ClientManager;
import io.flowersim.strategy.EvaluateAggregate;
import io.flowersim.strategy.FitAggregate;
import io.flowersim.strategy.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flower's server loop: per round, configure fit, run the sampled clients on the engine,
 * aggregate, evaluate centrally, run distributed evaluation, and record the round. Sampled clients
 * that {@link ClientDropout} drops out are not run and count as failures of the round.
 */
public final class Server {

  private static final Logger LOG = LoggerFactory.getLogger(Server.class);

  /** Prefix of fit metrics in a round record's distributedMetrics. */
  public static final String FIT_METRIC_PREFIX = "fit_";

  private final ClientEngine engine;
  private final Strategy strategy;
  private final ClientManager clients;
  private final Duration roundTimeout;
  private final ClientDropout dropout;
  private final OnDivergence onDivergence;
  private final ClientGroups groups;

  /** A server whose sampled clients always report (spec.clients.dropoutRate 0). */
  public Server(ClientEngine engine, Strategy strategy, ClientManager clients,
      Duration roundTimeout) {
    this(engine, strategy, clients, roundTimeout, ClientDropout.NONE);
  }

  /** A server whose sampled clients drop out as {@code dropout} decides (spec.clients.dropoutRate). */
  public Server(ClientEngine engine, Strategy strategy, ClientManager clients,
      Duration roundTimeout, ClientDropout dropout) {
    this(engine, strategy, clients, roundTimeout, dropout, OnDivergence.STOP);
  }

  /** As above; {@code onDivergence} says whether a round with a NaN or infinite loss ends the run. */
  public Server(ClientEngine engine, Strategy strategy, ClientManager clients,
      Duration roundTimeout, ClientDropout dropout, OnDivergence onDivergence) {
    this(engine, strategy, clients, roundTimeout, dropout, onDivergence, null);
  }

  /**
   * As above; with declared {@code groups} (spec.clients.groups) every round record counts each
   * group's sampled, succeeded and failed clients.
   */
  public Server(ClientEngine engine, Strategy strategy, ClientManager clients,
      Duration roundTimeout, ClientDropout dropout, OnDivergence onDivergence,
      ClientGroups groups) {
    this.groups = groups != null && groups.declared() ? groups : null;
    this.onDivergence = onDivergence;
    this.engine = engine;
    this.strategy = strategy;
    this.clients = clients;
    this.roundTimeout = roundTimeout;
    this.dropout = dropout;
  }

  /**
   * Runs {@code rounds} rounds, appending each to {@code history} as it completes.
   *
   * @param initialParameters used when the strategy brings none (the task's initial model)
   * @return the final global parameters
   * @throws RoundFailedException when a round fails; {@code history} keeps the rounds before it
   */
  public Parameters fit(int rounds, Supplier<Parameters> initialParameters, History history,
      ServerListener listener) {
    Parameters parameters = strategy.initializeParameters().orElseGet(initialParameters);
    strategy.evaluate(0, parameters).ifPresent(initial -> {
      History.InitialEvaluation e = new History.InitialEvaluation();
      e.centralizedLoss = NonFiniteValues.finite("centralizedLoss", initial.loss(), e.nonFinite);
      e.centralizedMetrics.putAll(initial.metrics());
      NonFiniteValues.removeFrom("centralizedMetrics", e.centralizedMetrics, e.nonFinite);
      history.initial = e;
    });
    return fitRounds(1, rounds, parameters, history, listener);
  }

  /**
   * Continues a run after round {@code completedRounds} (a checkpoint's), from the global
   * parameters that round ended with: rounds {@code completedRounds + 1} to {@code rounds} are
   * appended to {@code history}, which holds the rounds before. Restoring the strategy's state,
   * the sampling's position and the clients' state is the caller's part.
   *
   * @return the final global parameters
   */
  public Parameters resume(int completedRounds, Parameters parameters, int rounds,
      History history, ServerListener listener) {
    return fitRounds(completedRounds + 1, rounds, parameters, history, listener);
  }

  private Parameters fitRounds(int first, int rounds, Parameters start, History history,
      ServerListener listener) {
    Parameters parameters = start;
    for (int round = first; round <= rounds; round++) {
      long started = System.nanoTime();
      RoundRecord record = new RoundRecord();
      record.round = round;
      if (groups != null) {
        groups.groups().forEach(g -> record.groups.add(new RoundRecord.GroupRound(g.name())));
      }
      parameters = fitRound(round, parameters, record, listener);
      Optional<EvaluateResult> centralized = strategy.evaluate(round, parameters);
      centralized.ifPresent(c -> {
        record.centralizedLoss = c.loss();
        record.centralizedMetrics.putAll(c.metrics());
      });
      evaluateRound(round, parameters, record, listener);
      record.durationSeconds = (System.nanoTime() - started) / 1e9;
      history.add(record.keepFinite());
      listener.roundFinished(record, history);
      Optional<String> diverged = record.divergedLoss();
      if (diverged.isPresent()) {
        if (onDivergence == OnDivergence.STOP) {
          throw new DivergedException(round, diverged.get());
        }
        LOG.warn("round {}: {}; going on (spec.onDivergence: Continue)", round, diverged.get());
      }
      listener.roundCompleted(round, parameters, history);
    }
    return parameters;
  }

  private Parameters fitRound(int round, Parameters parameters, RoundRecord record,
      ServerListener listener) {
    List<ClientInstruction> instructions = strategy.configureFit(round, parameters, clients);
    if (instructions.isEmpty()) {
      throw new RoundFailedException(round, "round " + round + ": the strategy sampled no client "
          + "for fit (" + clients.numAvailable() + " available; check minFitClients and "
          + "minAvailableClients against clients.count)", List.of());
    }
    Parameters sent = strategy.fitParameters(round, parameters);
    RoundResults<FitResult> results = runClients(round, ClientOperation.FIT, instructions,
        listener, (reporting, done) -> engine.fit(round, sent, reporting, roundTimeout,
            done, strategy.aggregatesMeanOfUpdates()));
    record.fitClients = results.results().size();
    results.results().stream().filter(r -> r.node() != null).forEach(r -> record.fitClientsByNode
        .computeIfAbsent(r.node(), n -> new java.util.ArrayList<>()).add(r.clientId()));
    record.fitFailures = results.failures().size();
    countByGroup(record, results, true);
    refuseFailures(round, ClientOperation.FIT, results);
    FitAggregate aggregate;
    try {
      aggregate = strategy.aggregateFit(round, results);
    } catch (IllegalArgumentException e) {
      RoundFailedException failed = new RoundFailedException(round, "round " + round + ": "
          + strategy.getClass().getSimpleName() + " could not aggregate the fit results of "
          + results.results().size() + " clients: " + e.getMessage(), results.failures());
      failed.initCause(e);
      throw failed;
    }
    aggregate.metrics().forEach((k, v) -> record.distributedMetrics.put(FIT_METRIC_PREFIX + k, v));
    return aggregate.parameters().orElse(parameters);
  }

  private void evaluateRound(int round, Parameters parameters, RoundRecord record,
      ServerListener listener) {
    List<ClientInstruction> instructions = strategy.configureEvaluate(round, parameters, clients);
    if (instructions.isEmpty()) {
      return;
    }
    RoundResults<EvaluateResult> results = runClients(round, ClientOperation.EVALUATE,
        instructions, listener, (reporting, done) -> engine.evaluate(round, parameters, reporting,
            roundTimeout, done));
    record.evaluateClients = results.results().size();
    record.evaluateFailures = results.failures().size();
    countByGroup(record, results, false);
    refuseFailures(round, ClientOperation.EVALUATE, results);
    EvaluateAggregate aggregate = strategy.aggregateEvaluate(round, results);
    record.distributedLoss = aggregate.loss().orElse(null);
    record.distributedMetrics.putAll(aggregate.metrics());
  }

  private void countByGroup(RoundRecord record, RoundResults<?> results, boolean fit) {
    if (groups == null) {
      return;
    }
    int[] reported = new int[record.groups.size()];
    int[] failed = new int[record.groups.size()];
    results.results().forEach(r -> reported[groups.indexOf(r.clientId())]++);
    results.failures().forEach(f -> failed[groups.indexOf(f.clientId())]++);
    for (int g = 0; g < reported.length; g++) {
      record.groups.get(g).add(fit, reported[g], failed[g]);
    }
  }

  /** One engine call (fit or evaluate) for the clients that report. */
  @FunctionalInterface
  private interface EngineCall<R> {
    RoundResults<R> run(List<ClientInstruction> reporting, ClientListener done);
  }

  /**
   * Runs a phase: the clients that drop out are not run and become failures; the others run on
   * the engine. Every sampled client is reported to the listener as finished, and each failure
   * once; the results come back in client order.
   */
  private <R> RoundResults<R> runClients(int round, ClientOperation operation,
      List<ClientInstruction> instructions, ServerListener listener, EngineCall<R> call) {
    listener.phaseStarted(round, operation, instructions.size());
    ClientDropout.Split split = dropout.split(round, operation, instructions);
    for (ClientFailure dropped : split.dropped()) {
      listener.clientFinished(round, operation, dropped.clientId(), false);
    }
    RoundResults<R> ran = split.reporting().isEmpty()
        ? new RoundResults<>(List.of(), List.of())
        : call.run(split.reporting(), (id, ok) -> listener.clientFinished(round, operation, id, ok));
    report(ran.failures(), listener);
    if (split.dropped().isEmpty()) {
      return inClientOrder(ran);
    }
    LOG.info("round {}, {}: {} of {} sampled clients dropped out ({})", round,
        operation.label(), split.dropped().size(), instructions.size(), dropout);
    split.dropped().forEach(listener::clientFailed);
    List<ClientFailure> failures = new ArrayList<>(ran.failures());
    failures.addAll(split.dropped());
    return inClientOrder(new RoundResults<>(ran.results(), failures, ran.updateSum()));
  }

  /**
   * Engines return results in completion order, which depends on thread timing; float sums over
   * them would then differ between runs with the same seed. Sorted by client id, a seeded run
   * aggregates in the same order every time.
   */
  private static <R> RoundResults<R> inClientOrder(RoundResults<R> results) {
    return new RoundResults<>(
        results.results().stream().sorted(Comparator.comparingInt(ClientResult::clientId)).toList(),
        results.failures().stream().sorted(Comparator.comparingInt(ClientFailure::clientId))
            .toList(), results.updateSum());
  }

  /** Every backend's failures are logged here, once, with the client's stack trace. */
  private static void report(List<ClientFailure> failures, ServerListener listener) {
    for (ClientFailure failure : failures) {
      LOG.warn("{}\n{}", failure.summary(), failure.stackTrace());
      listener.clientFailed(failure);
    }
  }

  private void refuseFailures(int round, ClientOperation operation, RoundResults<?> results) {
    if (strategy.acceptFailures() || results.failures().isEmpty()) {
      return;
    }
    ClientFailure first = results.failures().get(0);
    throw new RoundFailedException(round, "round " + round + ": " + results.failures().size()
        + " of " + results.sampled() + " clients failed in " + operation.label()
        + " and spec.strategy.acceptFailures is false; first failure: " + first.summary(),
        results.failures());
  }
}
