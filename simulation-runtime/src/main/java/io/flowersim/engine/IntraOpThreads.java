package io.flowersim.engine;

import java.util.List;
import java.util.Map;

/**
 * How many threads a process that runs clients gives to its native math libraries: its clients'
 * CPUs. A worker of the local pool that runs one {@code cpus: 1} client at a time gets one intra-op
 * thread, so N workers do not fight over N cores with N × cores threads; Ray sets OMP_NUM_THREADS
 * for its workers the same way. DJL 0.36's PyTorch engine reads its two properties once, when it
 * loads: they must be set before a task touches DJL.
 */
public final class IntraOpThreads {

  /** DJL's PyTorch engine: intra-op threads (torch.set_num_threads). */
  public static final String DJL_PYTORCH_THREADS = "ai.djl.pytorch.num_threads";
  /** DJL's PyTorch engine: inter-op threads (torch.set_num_interop_threads). */
  public static final String DJL_PYTORCH_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

  private IntraOpThreads() {}

  /** Whole CPUs, at least one: a client with cpus 0.5 still needs a thread. */
  public static int forCpus(double cpus) {
    return (int) Math.max(1, Math.floor(cpus + 1e-6));
  }

  /** JVM options of a worker process with {@code threads} threads. */
  public static List<String> jvmOptions(int threads) {
    return List.of("-D" + DJL_PYTORCH_THREADS + "=" + threads,
        "-D" + DJL_PYTORCH_INTEROP_THREADS + "=1",
        "-XX:ActiveProcessorCount=" + threads);
  }

  /** Environment of a worker process: OpenMP and MKL read these when they start. */
  public static Map<String, String> environment(int threads) {
    return Map.of("OMP_NUM_THREADS", Integer.toString(threads),
        "MKL_NUM_THREADS", Integer.toString(threads));
  }

  /**
   * For clients that run one at a time in this JVM: the client's CPUs for PyTorch's intra-op
   * threads, as a pool worker or a Ray actor gets, unless the user set the property. Measured
   * (bench/RESULTS.md): the Fashion-MNIST MLP's small batches train faster on one thread than on
   * two, the CNN's faster on two; a client that wants more threads declares more CPUs.
   */
  public static void applyInThisProcess(int threads) {
    if (System.getProperty(DJL_PYTORCH_THREADS) == null) {
      System.setProperty(DJL_PYTORCH_THREADS, Integer.toString(threads));
    }
  }
}
