package io.flowersim.simulation;

import java.util.List;

/** The simulation file is refused; each problem is one line that names the field. */
public class InvalidSimulationException extends Exception {

  private final List<String> problems;

  public InvalidSimulationException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public InvalidSimulationException(String problem, Throwable cause) {
    super(problem, cause);
    this.problems = List.of(problem);
  }

  public List<String> problems() {
    return problems;
  }
}
