package io.flowersim.engine.pool;

import io.flowersim.api.v1alpha1.spec.ClientResources;
import io.flowersim.client.Parameters;
import io.flowersim.engine.Batch;
import io.flowersim.engine.Batching;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.IntraOpThreads;
import io.flowersim.engine.WorkerLostException;
import io.flowersim.engine.remote.PythonCalls;
import io.flowersim.engine.remote.PythonWire;
import io.flowersim.engine.remote.Wire;
import io.flowersim.flowerapp.FlowerApp;
import io.flowersim.flowerapp.FlowerAppCheck;
import io.flowersim.flowerapp.PythonEnvironment;
import io.flowersim.task.TaskConfigException;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  private final PythonCalls calls = new PythonCalls();
  private volatile String kind = "";

  /** Starts {@code size} workers and returns while they import the app. */
  public static PythonWorkerPool launch(PythonEnvironment python, FlowerApp app, int numClients,
      EngineResources resources, int size, double cpusPerClient) {
    return new PythonWorkerPool(python, app, numClients, resources, size, cpusPerClient, null);
  }

  /**
   * As {@link #launch(PythonEnvironment, FlowerApp, int, EngineResources, int, double)}, each
   * worker with {@code perClient}'s CPUs as its threads and its gpuMemory as its PyTorch cap.
   */
  public static PythonWorkerPool launch(PythonEnvironment python, FlowerApp app, int numClients,
      EngineResources resources, int size, ClientResources perClient) {
    return new PythonWorkerPool(python, app, numClients, resources, size,
        perClient.cpusOrDefault(), FlowerApp.gpuMemoryBytes(perClient));
  }

  private PythonWorkerPool(PythonEnvironment python, FlowerApp app, int numClients,
      EngineResources resources, int size, double cpusPerClient, Long perClientGpuMemory) {
    super(Batching.EACH_CLIENT_ALONE, "Python worker");
    this.python = python;
    this.app = app;
    this.hello = app.hello(numClients, perClientGpuMemory);
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
   *
   * @throws TaskConfigException what spec.flowerApp gets wrong, as `flowersim validate` says it
   *     (the workers load the app as its check does): `run` need not import the app beforehand
   */
  public void awaitReady(Duration timeout) {
    try {
      List<byte[]> ready = WorkerProcess.awaitAll(handles(), timeout, "Python worker", app
          .toString());
      PythonWire.Ready first = PythonWire.ready(ready.get(0));
      kind = first.kind();
      if (first.gpuMemory() != null) {
        LOG.info("{}", first.gpuMemory());
      }
    } catch (RuntimeException e) {
      close();
      FlowerAppCheck.refuseIfProblem(e.getCause());
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
    return calls.model(model);
  }

  @Override
  protected WorkerProcess start() {
    return WorkerProcess.start(python.command("serve"), environment, hello);
  }

  @Override
  protected Wire.BatchReply call(WorkerProcess worker, Wire.Batch request, byte[] model,
      Batch<?> batch) throws WorkerLostException {
    return calls.reply(exchange(worker, model, calls.call(batch, request)), "local", batch,
        request);
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
    byte[] payload = calls.initialCall(clientId);
    ExecutorService waiting = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "flowersim-python-initial");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<byte[]> reply = waiting.submit(() -> exchange(worker, null, payload));
      return Optional.of(calls.initialModel(reply.get(timeout.toNanos(),
          TimeUnit.NANOSECONDS)));
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
