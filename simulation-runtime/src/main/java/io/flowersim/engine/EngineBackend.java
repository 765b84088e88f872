package io.flowersim.engine;

import io.flowersim.api.v1alpha1.spec.ClientResources;
import io.flowersim.flowerapp.FlowerApp;
import io.flowersim.task.TaskSettings;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * A backend of the virtual client engine that lives in its own module (the Ray backend in
 * simulation-runtime-ray), found by {@link #name()} through {@link ServiceLoader}. The local backend
 * is built in. Keeping Ray in its own module keeps its dependencies (log4j, testng, guava 28, ...)
 * off the classpath of everything that does not run on Ray.
 */
public interface EngineBackend {

  /** The built-in backend: clients run on this machine. */
  String LOCAL = "local";

  /** The Ray backend (simulation-runtime-ray). */
  String RAY = "ray";

  /** Every backend name the CLI and the in-cluster entry point accept. */
  List<String> NAMES = List.of(LOCAL, RAY);

  /** Refuses a name not in {@link #NAMES}, naming {@code field} (an option or variable). */
  static void checkName(String field, String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException(field + ": must be " + String.join(" or ", NAMES)
          + ", got \"" + name + "\"");
    }
  }

  /** The value of --backend, e.g. "ray". */
  String name();

  /**
   * Connects and sizes the engine. Refuses, before any round, what cannot run: an unreachable
   * address, client resources that no node can satisfy (an {@link InsufficientResourcesException}).
   */
  ClientEngine create(Request request) throws Exception;

  /**
   * What a backend needs to start workers that run this simulation's clients.
   *
   * @param taskName spec.task, loaded by name in every worker
   * @param settings what each worker sets the task up with
   * @param perClient spec.clients.resources
   * @param address the cluster to connect to (null: the backend's default)
   * @param workerInitHook a {@link WorkerInitHook} class run once in every worker ("" for none)
   * @param flowerApp spec.flowerApp, whose ClientApp the workers run instead of a task (then
   *     {@code taskName} is null); null for a task
   * @param workerGroup the worker group whose nodes alone run these clients (a client group's
   *     spec.clients.groups[].workerGroup); null for any node
   * @param maxClientsAtOnce at most this many workers (a client group's share); 0 for as many as
   *     the resources hold, up to the client count
   * @param states where the clients' state is kept (shared by the client groups' engines); null
   *     for a store of the engine's own
   */
  record Request(String taskName, TaskSettings settings, ClientResources perClient,
      String address, String workerInitHook, FlowerApp flowerApp, String workerGroup,
      int maxClientsAtOnce, ClientStateStore states) {

    /** A request for every client of the simulation, on any node. */
    public Request(String taskName, TaskSettings settings, ClientResources perClient,
        String address, String workerInitHook, FlowerApp flowerApp) {
      this(taskName, settings, perClient, address, workerInitHook, flowerApp, null, 0, null);
    }

    /** The same request for one client group's clients. */
    public Request forGroup(ClientResources groupResources, String group, int maxAtOnce,
        ClientStateStore shared) {
      return new Request(taskName, settings, groupResources, address, workerInitHook, flowerApp,
          group, maxAtOnce, shared);
    }

    /** The most workers worth starting. */
    public int maxWorkers() {
      return maxClientsAtOnce > 0 ? maxClientsAtOnce : settings.numClients();
    }
  }

  /**
   * What the nodes that would run clients of {@code workerGroup} (null: any node) have in all,
   * connecting to {@code address} first: the client groups that share them split it.
   */
  default EngineResources resources(String address, String workerGroup) {
    throw new UnsupportedOperationException("backend " + name() + " cannot run client groups");
  }

  /** The backend called {@code name}, or an exception that says which backends exist. */
  static EngineBackend find(String name, ClassLoader loader) {
    TreeSet<String> names = new TreeSet<>();
    for (EngineBackend backend : ServiceLoader.load(EngineBackend.class, loader)) {
      if (backend.name().equals(name)) {
        return backend;
      }
      names.add(backend.name());
    }
    throw new IllegalArgumentException("--backend " + name + ": not on the classpath (found: local"
        + (names.isEmpty() ? "" : ", " + String.join(", ", names)) + "); the Ray backend is the "
        + "simulation-runtime-ray module");
  }
}
