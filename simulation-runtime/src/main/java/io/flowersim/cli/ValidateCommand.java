package io.flowersim.cli;

import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.engine.EngineResources;
import io.flowersim.simulation.ExitCode;
import io.flowersim.simulation.InvalidSimulationException;
import io.flowersim.simulation.SimulationFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `flowersim validate FILE`: every check of `run`, nothing run, nothing written. */
@Command(name = "validate", description = "Checks a FlowerSimulation file; runs nothing.",
    mixinStandardHelpOptions = true)
final class ValidateCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "FILE", description = "FlowerSimulation YAML")
  Path file;

  @Mixin
  EngineOptions engine;

  @Spec
  CommandSpec commandSpec;

  @Override
  public Integer call() {
    Terminal out = Terminal.of(commandSpec);
    try {
      FlowerSimulation sim = SimulationFile.read(file);
      EngineResources resources = engine.resources();
      Preflight.check(sim, resources, true);
      var spec = sim.getSpec();
      out.println(file + ": valid (" + sim.getMetadata().getName() + ": " + spec.workload() + ", "
          + spec.clients.count + " clients, " + spec.rounds + " rounds, "
          + spec.strategyOrDefault().nameOrDefault() + "; fits " + resources + ")");
      return ExitCode.OK;
    } catch (InvalidSimulationException e) {
      return out.refuse(file, e, engine.debug);
    }
  }
}
