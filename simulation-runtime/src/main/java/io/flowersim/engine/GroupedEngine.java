package io.flowersim.engine;

import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientResult;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.client.UpdateSum;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * The engine of a simulation with client groups (spec.clients.groups): one engine per group, each
 * with workers that reserve that group's resources, all running their share of a round at the same
 * time. A round's sampled clients go to their groups' engines; what they deliver is merged, the
 * groups' update sums added in group order, so a seeded run sums alike every time. The groups'
 * engines keep their clients' state in one store.
 */
public final class GroupedEngine implements ClientEngine {

  private final ClientGroups groups;
  private final List<ClientEngine> engines;
  private final ClientStateStore states;
  private final ExecutorService phases;
  private final boolean concurrent;

  /**
   * @param engines by group, in the order of {@code groups}, all keeping their clients' state in
   *     {@code states}
   * @param concurrent whether the groups run at the same time; false where their clients share
   *     something that runs one at a time (a task that trains one client per JVM at a time)
   */
  public GroupedEngine(ClientGroups groups, List<ClientEngine> engines, ClientStateStore states,
      boolean concurrent) {
    if (engines.size() != groups.size()) {
      throw new IllegalArgumentException(engines.size() + " engines for " + groups.size()
          + " groups");
    }
    this.groups = groups;
    this.engines = List.copyOf(engines);
    this.states = states;
    this.concurrent = concurrent;
    this.phases = Executors.newFixedThreadPool(engines.size(), r -> {
      Thread t = new Thread(r, "flowersim-group");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public String description() {
    List<String> lines = new ArrayList<>();
    for (int g = 0; g < engines.size(); g++) {
      ClientGroups.Group group = groups.groups().get(g);
      lines.add("group " + group.name() + " (" + group.count() + " clients of "
          + EngineResources.format(group.resources().cpusOrDefault()) + " CPUs, "
          + EngineResources.format(group.resources().gpusOrDefault()) + " GPUs): "
          + engines.get(g).description());
    }
    return String.join("; ", lines);
  }

  @Override
  public int maxConcurrentClients() {
    return engines.stream().mapToInt(ClientEngine::maxConcurrentClients).sum();
  }

  /** How many of group {@code g}'s clients run at once. */
  public int maxConcurrentClients(int g) {
    return engines.get(g).maxConcurrentClients();
  }

  @Override
  public RoundResults<FitResult> fit(int round, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener,
      boolean sumSuffices) {
    List<RoundResults<FitResult>> parts = inParallel(instructions, (engine, clients) ->
        engine.fit(round, parameters, clients, timeout, listener, sumSuffices));
    boolean summed = parts.stream().anyMatch(p -> p.updateSum().isPresent());
    UpdateSum sum = summed ? new UpdateSum(parameters) : null;
    if (summed) {
      for (RoundResults<FitResult> part : parts) {
        part.updateSum().filter(s -> s.examples() > 0)
            .ifPresent(s -> sum.add(s.mean(), s.examples()));
        // A group whose engine did not sum (none of its clients delivered) adds its updates.
        part.results().stream().filter(r -> r.result().parameters() != null)
            .forEach(r -> sum.add(r.result().parameters(), r.result().numExamples()));
      }
    }
    return merge(parts, sum);
  }

  @Override
  public RoundResults<EvaluateResult> evaluate(int round, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener) {
    return merge(inParallel(instructions, (engine, clients) ->
        engine.evaluate(round, parameters, clients, timeout, listener)), null);
  }

  @FunctionalInterface
  private interface Phase<R> {
    RoundResults<R> run(ClientEngine engine, List<ClientInstruction> clients);
  }

  /** Each group's clients on its engine, the groups at the same time; results by group. */
  private <R> List<RoundResults<R>> inParallel(List<ClientInstruction> instructions,
      Phase<R> phase) {
    List<List<ClientInstruction>> byGroup = groups.split(instructions);
    List<Future<RoundResults<R>>> running = new ArrayList<>();
    for (int g = 0; g < engines.size(); g++) {
      ClientEngine engine = engines.get(g);
      List<ClientInstruction> clients = byGroup.get(g);
      if (clients.isEmpty()) {
        continue;
      }
      running.add(concurrent ? phases.submit(() -> phase.run(engine, clients))
          : java.util.concurrent.CompletableFuture.completedFuture(phase.run(engine, clients)));
    }
    List<RoundResults<R>> parts = new ArrayList<>();
    for (Future<RoundResults<R>> f : running) {
      try {
        parts.add(f.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the client groups ran", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
    return parts;
  }

  private static <R> RoundResults<R> merge(List<RoundResults<R>> parts, UpdateSum sum) {
    List<ClientResult<R>> results = new ArrayList<>();
    List<ClientFailure> failures = new ArrayList<>();
    for (RoundResults<R> part : parts) {
      results.addAll(part.results());
      failures.addAll(part.failures());
    }
    if (sum != null) {
      // The sum holds every update: leave them out of the results, as a summing engine does.
      results = results.stream().map(r -> r.result() instanceof FitResult f && f.parameters() != null
          ? withoutParameters(r, f) : r).collect(Collectors.toList());
    }
    return new RoundResults<>(results, failures, Optional.ofNullable(sum));
  }

  @SuppressWarnings("unchecked")
  private static <R> ClientResult<R> withoutParameters(ClientResult<R> r, FitResult f) {
    return new ClientResult<>(r.clientId(), (R) new FitResult(null, f.numExamples(), f.metrics()),
        r.node());
  }

  @Override
  public ClientStateStore clientStates() {
    return states;
  }

  @Override
  public Optional<Parameters> initialParameters(int clientId, Duration timeout) {
    return engines.get(groups.indexOf(clientId)).initialParameters(clientId, timeout);
  }

  @Override
  public void close() {
    phases.shutdownNow();
    RuntimeException first = null;
    for (ClientEngine engine : engines) {
      try {
        engine.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
