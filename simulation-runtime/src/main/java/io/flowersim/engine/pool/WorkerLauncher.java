package io.flowersim.engine.pool;

import io.flowersim.engine.IntraOpThreads;
import io.flowersim.engine.remote.Wire;
import io.flowersim.task.TaskSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts worker JVMs like this one: the same java, the same classpath, the JVM options that
 * matter to a worker (module opens, heap limit, DJL and flowersim properties; not debug agents,
 * which would clash on their ports), plus the intra-op thread settings for its CPUs.
 */
public final class WorkerLauncher {

  private final String taskName;
  private final Frames.Hello hello;
  private final int threadsPerWorker;
  private final List<String> command;
  private final Map<String, String> environment;

  /**
   * @param cpusPerWorker spec.clients.resources.cpus: the worker's intra-op threads
   * @param initHook a {@link io.flowersim.engine.WorkerInitHook} class ("" for none)
   */
  public WorkerLauncher(String taskName, TaskSettings settings, String initHook,
      double cpusPerWorker) {
    this.taskName = taskName;
    this.hello = new Frames.Hello(taskName, Wire.settings(settings), initHook);
    this.threadsPerWorker = IntraOpThreads.forCpus(cpusPerWorker);
    this.environment = IntraOpThreads.environment(threadsPerWorker);
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.addAll(inheritedJvmOptions(ManagementFactory.getRuntimeMXBean().getInputArguments()));
    c.addAll(IntraOpThreads.jvmOptions(threadsPerWorker));
    c.add("-cp");
    c.add(System.getProperty("java.class.path"));
    c.add(WorkerMain.class.getName());
    this.command = List.copyOf(c);
  }

  /** Of this JVM's options, those a worker needs too. */
  static List<String> inheritedJvmOptions(List<String> options) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      String o = options.get(i);
      if ((o.equals("--add-opens") || o.equals("--add-exports")) && i + 1 < options.size()) {
        kept.add(o);
        kept.add(options.get(++i));
      } else if (o.startsWith("--add-opens=") || o.startsWith("--add-exports=")
          || o.startsWith("-Xmx") || o.startsWith("-Xss") || o.startsWith("-Dai.djl.")
          || o.startsWith("-Dflowersim.") || o.startsWith("-Djava.library.path=")
          || o.startsWith("-Dorg.slf4j.") || o.startsWith("-Djava.awt.headless=")) {
        kept.add(o);
      }
    }
    // Thread settings are the pool's to make, per worker.
    kept.removeIf(o -> o.startsWith("-D" + IntraOpThreads.DJL_PYTORCH_THREADS + "=")
        || o.startsWith("-D" + IntraOpThreads.DJL_PYTORCH_INTEROP_THREADS + "="));
    return kept;
  }

  WorkerProcess launch() {
    return WorkerProcess.start(command, environment, Wire.write(hello));
  }

  String taskName() {
    return taskName;
  }

  int threadsPerWorker() {
    return threadsPerWorker;
  }

  /** The command line, for diagnostics. */
  public List<String> command() {
    return command;
  }
}
