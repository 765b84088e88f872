package io.flowersim.simulation;

import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Fields a run accepts but cannot make real for its kind of client, said when the run starts
 * (by the CLI and the in-cluster runtime alike), so that none is accepted silently.
 */
public final class UnenforcedFields {

  private UnenforcedFields() {}

  /** One line per such field of {@code spec}; empty when every field set takes effect. */
  public static List<String> of(FlowerSimulationSpec spec) {
    List<String> lines = new ArrayList<>();
    var resources = spec.clients == null ? null : spec.clients.resources;
    if (spec.task != null && resources != null && resources.gpuMemory != null) {
      // A Java task's clients share their JVM's GPU allocator: nothing caps one client's share.
      lines.add("spec.clients.resources.gpuMemory (" + resources.gpuMemory + ") is not enforced "
          + "for spec.task's Java clients: gpus decides how many share a GPU, and a client may "
          + "use more than gpuMemory (it is enforced for spec.flowerApp's Python clients, through "
          + "PyTorch's per-process memory fraction)");
    }
    return lines;
  }
}
