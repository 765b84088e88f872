package io.flowersim.cli;

import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.InsufficientResourcesException;
import io.flowersim.runtime.Simulation;
import io.flowersim.task.TaskRegistry;
import io.flowersim.task.UnknownTaskException;
import java.util.List;

/** The checks beyond the file itself: the task exists, a client fits the engine. */
final class Preflight {

  private Preflight() {}

  static void check(FlowerSimulation simulation, EngineResources resources)
      throws InvalidSimulationException {
    try {
      Simulation.check(simulation, TaskRegistry.load(), resources);
    } catch (UnknownTaskException | InsufficientResourcesException e) {
      throw new InvalidSimulationException(List.of(e.getMessage()));
    }
  }
}
