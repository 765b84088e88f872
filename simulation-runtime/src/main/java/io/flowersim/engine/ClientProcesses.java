package io.flowersim.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the local backend runs the clients of a task that cannot train them on parallel threads of
 * one JVM ({@link io.flowersim.task.FederatedTask#clientsRunConcurrentlyInOneProcess()} false, e.g.
 * DJL's PyTorch engine). Tasks that can use threads always run on threads of this JVM.
 */
public enum ClientProcesses {

  /**
   * A pool of worker JVMs, as many as the per-client resources allow at once, each running one
   * client at a time with the client's CPUs as its intra-op threads.
   */
  POOL,

  /** This JVM only: clients one at a time, each with its CPUs as intra-op threads. */
  SINGLE;

  /**
   * Measured with bench/client-processes.sh on the 2-core development machine, shared with other
   * builds (README, "Fashion-MNIST"): one process finished examples/fashion-mnist-mlp.yaml in
   * about half the time of the pool of two single-threaded workers, whose extra JVMs each warm up
   * (JIT, DJL) on the same two cores. On a machine with cores to spare, choose the pool.
   */
  public static final ClientProcesses DEFAULT = SINGLE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** "pool" or "single"; anything else is refused naming the option and the allowed values. */
  public static ClientProcesses parse(String value) {
    for (ClientProcesses p : values()) {
      if (p.label().equals(value)) {
        return p;
      }
    }
    throw new IllegalArgumentException("--client-processes: must be one of "
        + Arrays.stream(values()).map(ClientProcesses::label).collect(Collectors.joining(", "))
        + ", got \"" + value + "\"");
  }
}
