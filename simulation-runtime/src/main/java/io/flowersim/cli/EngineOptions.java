package io.flowersim.cli;

import io.flowersim.engine.EngineResources;
import io.flowersim.simulation.InvalidSimulationException;
import picocli.CommandLine.Option;

/** Options shared by run and validate: what the engine may use. */
final class EngineOptions {

  @Option(names = "--cpus", paramLabel = "N",
      description = "CPUs the engine hands to clients (default: all cores of this machine).")
  Double cpus;

  @Option(names = "--gpus", paramLabel = "N", description = "GPUs the engine hands to clients "
      + "(default: 0).")
  Double gpus;

  @Option(names = "--debug", description = "Print stack traces of errors.")
  boolean debug;

  EngineResources resources() throws InvalidSimulationException {
    double c = cpus != null ? cpus : Runtime.getRuntime().availableProcessors();
    double g = gpus != null ? gpus : 0;
    // picocli reads NaN and Infinity as doubles; an engine of infinite CPUs would mean
    // unbounded threads.
    if (!(c > 0 && Double.isFinite(c))) {
      throw new InvalidSimulationException(java.util.List.of("--cpus: must be a finite number > 0, "
          + "got " + c));
    }
    if (!(g >= 0 && Double.isFinite(g))) {
      throw new InvalidSimulationException(java.util.List.of("--gpus: must be a finite number >= 0, "
          + "got " + g));
    }
    return new EngineResources(c, g);
  }
}
