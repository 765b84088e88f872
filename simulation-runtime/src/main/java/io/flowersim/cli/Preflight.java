package io.flowersim.cli;

import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.InsufficientResourcesException;
import io.flowersim.simulation.InvalidSimulationException;
import io.flowersim.simulation.Simulation;
import io.flowersim.task.TaskRegistry;
import io.flowersim.task.UnknownTaskException;
import java.util.List;

/** The checks beyond the file itself: the task exists, a client fits the engine. */
final class Preflight {

  private Preflight() {}

  /** Only that the task exists: a remote backend judges resources against its cluster. */
  static void checkTask(FlowerSimulation simulation) throws InvalidSimulationException {
    TaskRegistry tasks = TaskRegistry.load();
    try {
      if (!tasks.contains(simulation.getSpec().task)) {
        tasks.create(simulation.getSpec().task);
      }
    } catch (UnknownTaskException e) {
      throw new InvalidSimulationException(List.of(e.getMessage()));
    }
  }

  static void check(FlowerSimulation simulation, EngineResources resources)
      throws InvalidSimulationException {
    try {
      Simulation.check(simulation, TaskRegistry.load(), resources);
    } catch (UnknownTaskException | InsufficientResourcesException e) {
      throw new InvalidSimulationException(List.of(e.getMessage()));
    }
  }
}
