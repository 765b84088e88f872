package io.flowersim.engine;

import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.UpdateSum;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded transport: a worker is one of the scheduler's own threads in this JVM, as many as
 * the per-client resources allow, running its clients itself. Nothing is shipped, so each client
 * is a batch of its own ({@link Batching#EACH_CLIENT_ALONE}) and a free thread takes the next
 * client at once; a late client's thread is interrupted and abandoned by the scheduler.
 */
public final class LocalThreads implements Workers<Parameters> {

  private static final Logger LOG = LoggerFactory.getLogger(LocalThreads.class);

  private final ClientRunner runner;
  private final EngineResources resources;
  private final int slots;
  private final String limitNote;

  /**
   * @param slots clients at once as resources allow ({@link ClientConcurrency#slots})
   */
  public LocalThreads(ClientRunner runner, EngineResources resources, int slots) {
    this.runner = runner;
    this.resources = resources;
    if (!runner.task().clientsRunConcurrentlyInOneProcess() && slots > 1) {
      this.slots = 1;
      this.limitNote = "; task " + runner.task().name() + " cannot train clients on parallel "
          + "threads of one JVM, so they run one at a time with the client's CPUs as intra-op threads "
          + "(resources would allow " + slots + "; --client-processes pool runs a pool of worker "
          + "JVMs)";
      LOG.info("{}", description());
    } else {
      this.slots = slots;
      this.limitNote = "";
    }
  }

  /** The scheduler over {@code slots} threads of this JVM: the local backend. */
  public static ClientScheduler engine(ClientRunner runner, EngineResources resources, int slots) {
    return new ClientScheduler(new LocalThreads(runner, resources, slots));
  }

  @Override
  public String description() {
    return "local backend: " + resources + ", " + slots + " client(s) at once" + limitNote;
  }

  @Override
  public int size() {
    return slots;
  }

  @Override
  public Batching batching() {
    return Batching.EACH_CLIENT_ALONE;
  }

  @Override
  public Parameters ship(Parameters model) {
    return model;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R> BatchResult<R> process(int worker, Batch<R> batch, Parameters model) {
    List<ClientResult<R>> results = new ArrayList<>(batch.clients().size());
    List<ClientFailure> failures = new ArrayList<>();
    UpdateSum sum = batch.sumUpdates() ? new UpdateSum(model) : null;
    for (ClientInstruction i : batch.clients()) {
      try {
        Object result;
        if (batch.isFit()) {
          FitResult fit = runner.fit(i.clientId(), model, i.config());
          if (sum != null) {
            sum.add(fit.parameters(), fit.numExamples());
            fit = new FitResult(null, fit.numExamples(), fit.metrics());
          }
          result = fit;
        } else {
          result = runner.evaluate(i.clientId(), model, i.config());
        }
        results.add(new ClientResult<>(i.clientId(), (R) result));
      } catch (Throwable t) {
        // Whatever a client throws, Errors included, fails that client, not the engine.
        failures.add(ClientFailure.of(i.clientId(), batch.round(), batch.operation(), t));
      }
    }
    boolean summed = sum != null && sum.examples() > 0;
    return new BatchResult<>(results, failures, summed ? sum.mean().values() : null,
        summed ? sum.examples() : 0);
  }

  @Override
  public ClientStateStore clientStates() {
    return runner.states();
  }

  /** The thread is the worker: the scheduler has interrupted and abandoned it already. */
  @Override
  public void replace(int worker) {}

  @Override
  public void close() {}
}
