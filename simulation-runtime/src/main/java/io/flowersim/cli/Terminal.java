package io.flowersim.cli;

import io.flowersim.simulation.ExitCode;
import io.flowersim.simulation.InvalidSimulationException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/** Where the CLI speaks: stdout for results, stderr for errors; knows whether it is a terminal. */
final class Terminal {

  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean interactive;

  Terminal(PrintWriter out, PrintWriter err, boolean interactive) {
    this.out = out;
    this.err = err;
    this.interactive = interactive;
  }

  /** The command's own streams (tests replace them); a progress bar only on a real console. */
  static Terminal of(CommandSpec spec) {
    return new Terminal(spec.commandLine().getOut(), spec.commandLine().getErr(),
        System.console() != null && !Boolean.getBoolean("flowersim.plain"));
  }

  boolean interactive() {
    return interactive;
  }

  PrintWriter err() {
    return err;
  }

  void println(String line) {
    out.println(line);
    out.flush();
  }

  void warn(String line) {
    err.println("warning: " + line);
    err.flush();
  }

  void error(String line) {
    err.println("error: " + line);
    err.flush();
  }

  /** Prints each problem as one line, a stack trace only with --debug; exit code 2. */
  int refuse(Path file, InvalidSimulationException e, boolean debug) {
    for (String problem : e.problems()) {
      error(file + ": " + problem);
    }
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return ExitCode.INVALID_INPUT;
  }
}
