package io.flowersim.engine.pool;

import io.flowersim.client.Parameters;
import io.flowersim.engine.Batch;
import io.flowersim.engine.Batching;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.IntraOpThreads;
import io.flowersim.engine.WorkerLostException;
import io.flowersim.engine.remote.PythonWire;
import io.flowersim.engine.remote.Wire;
import io.flowersim.flowerapp.FlowerApp;
import io.flowersim.flowerapp.PythonEnvironment;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local transport of a Flower App's clients: a pool of Python worker processes ({@code python
 * -m flowersim_worker serve}), as many as the per-client resources allow at once, each importing
 * the ClientApp once and speaking {@link PythonWire} over its pipes, framed as the JVM pool's
 * ({@link Frames}). A client's CPUs are its worker's OpenMP/MKL threads. Each batch is one client:
 * a pipe round trip is cheap next to a Python client's call, and a client that hangs then fails
 * alone at the round timeout (its worker is killed and replaced). Each client's Flower
 * Context.state stays here as bytes, in the client state store, and travels with its call.
 */
public final class PythonWorkerPool extends ProcessPool {

  private static final Logger LOG = LoggerFactory.getLogger(PythonWorkerPool.class);

  private final PythonEnvironment python;
  private final FlowerApp app;
  private final byte[] hello;
  private final EngineResources resources;
  private final int threadsPerWorker;
  private final Map<String, String> environment = new HashMap<>();
  /** The dtype of each array as the app first gave it; the model goes back in these. */
  private final Map<String, String> dtypes = new ConcurrentHashMap<>();
  private final Set<String> warnedMetrics = ConcurrentHashMap.newKeySet();
  private volatile String kind = "";

  /** Starts {@code size} workers and returns while they import the app. */
  public static PythonWorkerPool launch(PythonEnvironment python, FlowerApp app, int numClients,
      EngineResources resources, int size, double cpusPerClient) {
    return new PythonWorkerPool(python, app, numClients, resources, size, cpusPerClient);
  }

  private PythonWorkerPool(PythonEnvironment python, FlowerApp app, int numClients,
      EngineResources resources, int size, double cpusPerClient) {
    super(Batching.EACH_CLIENT_ALONE, "Python worker");
    this.python = python;
    this.app = app;
    this.hello = app.hello(numClients);
    this.resources = resources;
    this.threadsPerWorker = IntraOpThreads.forCpus(cpusPerClient);
    environment.putAll(python.environment());
    environment.putAll(IntraOpThreads.environment(threadsPerWorker));
    environment.put("OPENBLAS_NUM_THREADS", Integer.toString(threadsPerWorker));
    startWorkers(size);
  }

  /**
   * Waits until every worker has imported the app; if one cannot (or none is ready within
   * {@code timeout}), closes the pool and throws, with the worker's traceback.
   */
  public void awaitReady(Duration timeout) {
    try {
      List<byte[]> ready = WorkerProcess.awaitAll(handles(), timeout, "Python worker", app
          .toString());
      kind = PythonWire.readyKind(ready.get(0));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    LOG.info("{}", description());
  }

  @Override
  public String description() {
    return "local backend: " + resources + ", a pool of " + size() + " Python worker(s) ("
        + threadsPerWorker + " thread(s) each), " + size() + " client(s) at once; " + app
        + (kind.isEmpty() ? "" : ", " + kind + " API") + ", Python " + python.interpreter();
  }

  @Override
  public byte[] ship(Parameters model) {
    if (isClosed()) {
      throw new IllegalStateException("the Python worker pool is closed");
    }
    return PythonWire.model(model, dtypes);
  }

  @Override
  protected WorkerProcess start() {
    return WorkerProcess.start(python.command("serve"), environment, hello);
  }

  @Override
  protected Wire.BatchReply call(WorkerProcess worker, Wire.Batch request, byte[] model,
      Batch<?> batch) throws WorkerLostException {
    PythonWire.Operation op = batch.isFit() ? PythonWire.Operation.FIT
        : PythonWire.Operation.EVALUATE;
    Map<Integer, List<String>> dropped = new HashMap<>();
    Wire.BatchReply reply = PythonWire.reply(exchange(worker, model,
        PythonWire.call(op, batch.round(), request.calls())), "local", dropped, request.calls());
    dropped.forEach((client, names) -> names.stream().filter(warnedMetrics::add).forEach(name ->
        LOG.warn("metric {} (first from client {}, round {}) is not a number: recorded by the "
            + "client only, not aggregated", name, client, batch.round())));
    return reply;
  }

  private static byte[] exchange(WorkerProcess worker, byte[] model, byte[] payload)
      throws WorkerLostException {
    try {
      return worker.call(model, payload);
    } catch (WorkerProcess.SetupFailedException e) {
      throw new WorkerLostException("the replacement Python worker " + worker.pid()
          + " could not import the app: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new WorkerLostException("the Python worker " + worker.pid() + " running this client "
          + "died (" + worker.exitStatus() + ")", e);
    }
  }

  /**
   * The initial global model, from {@code clientId} (spec.flowerApp.initialArrays, or its
   * get_parameters), run on the first worker; the dtypes of its arrays are kept for every model
   * shipped after.
   */
  @Override
  public Optional<Parameters> initialParameters(int clientId, Duration timeout) {
    WorkerProcess worker = handles().get(0);
    byte[] payload = PythonWire.call(PythonWire.Operation.INITIAL, 0,
        List.of(new Wire.Call(0, false, clientId, Map.of(), Map.of())));
    ExecutorService waiting = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "flowersim-python-initial");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<byte[]> reply = waiting.submit(() -> exchange(worker, null, payload));
      return Optional.of(PythonWire.initialModel(reply.get(timeout.toNanos(),
          TimeUnit.NANOSECONDS), dtypes));
    } catch (TimeoutException e) {
      replace(0);
      throw new IllegalStateException("client " + clientId + " gave no initial model within "
          + timeout.toSeconds() + "s (spec.roundTimeoutSeconds)");
    } catch (ExecutionException e) {
      throw new IllegalStateException("client " + clientId + " could not give the initial model: "
          + e.getCause().getMessage(), e.getCause());
    } catch (IllegalStateException e) {
      throw new IllegalStateException("client " + clientId + " could not give the initial model: "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while getting the initial model", e);
    } finally {
      waiting.shutdownNow();
    }
  }
}
