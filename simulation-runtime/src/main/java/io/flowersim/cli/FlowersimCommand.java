package io.flowersim.cli;

import io.flowersim.simulation.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The `flowersim` command line. */
@Command(name = "flowersim", mixinStandardHelpOptions = true, version = "flowersim 0.1.0",
    description = "Runs federated-learning simulations from FlowerSimulation YAML files.",
    subcommands = {RunCommand.class, ValidateCommand.class, CommandLine.HelpCommand.class})
public final class FlowersimCommand {

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line; tests set its out/err writers. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new FlowersimCommand());
    cli.setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("error: " + e.getMessage());
      e.getCommandLine().getErr().println("see: " + e.getCommandLine().getCommandSpec().qualifiedName()
          + " --help");
      return ExitCode.INVALID_INPUT;
    });
    return cli;
  }
}
