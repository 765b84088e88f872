package io.flowersim.cli;

import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.InsufficientResourcesException;
import io.flowersim.simulation.InvalidSimulationException;
import io.flowersim.simulation.Simulation;
import io.flowersim.task.TaskConfigException;
import io.flowersim.task.TaskRegistry;
import io.flowersim.task.UnknownTaskException;
import java.util.List;

/**
 * The checks beyond the file itself: the task exists and accepts its settings, a client fits the
 * engine.
 */
final class Preflight {

  private Preflight() {}

  /** Only that the task exists: a remote backend judges resources against its cluster. */
  static void checkTask(FlowerSimulation simulation) throws InvalidSimulationException {
    try {
      Simulation.checkTask(simulation, TaskRegistry.load());
    } catch (UnknownTaskException e) {
      throw new InvalidSimulationException(List.of(e.getMessage()));
    } catch (TaskConfigException e) {
      throw new InvalidSimulationException(e.problems());
    }
  }

  /**
   * The file's task and resources; {@code importApp}: whether a Flower App is imported here (see
   * {@link Simulation#check(FlowerSimulation, TaskRegistry, EngineResources, boolean)}).
   */
  static void check(FlowerSimulation simulation, EngineResources resources, boolean importApp)
      throws InvalidSimulationException {
    try {
      Simulation.check(simulation, TaskRegistry.load(), resources, importApp);
    } catch (UnknownTaskException | InsufficientResourcesException e) {
      throw new InvalidSimulationException(List.of(e.getMessage()));
    } catch (TaskConfigException e) {
      throw new InvalidSimulationException(e.problems());
    }
  }
}
