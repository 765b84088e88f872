package io.flowersim.flowerapp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Python that runs a Flower App's clients, and flowersim's worker package in it: the package's
 * directory (python/ of this repository; {@value #HOME_PROPERTY} or FLOWERSIM_PYTHON_HOME, which
 * bin/flowersim and the runtime image set) goes on PYTHONPATH; the interpreter is what
 * python/env.sh prints: $FLOWERSIM_PYTHON, or a cached venv with flwr and numpy made on first use.
 */
public final class PythonEnvironment {

  public static final String HOME_PROPERTY = "flowersim.python.home";
  /** The worker package's directory under a home. */
  static final String PACKAGE = "flowersim_worker";

  private static PythonEnvironment found;

  private final Path home;
  private final String interpreter;

  private PythonEnvironment(Path home, String interpreter) {
    this.home = home;
    this.interpreter = interpreter;
  }

  /** The environment of this JVM, made ready (the venv installed) the first time. */
  public static synchronized PythonEnvironment find() {
    if (found == null) {
      Path home = locateHome();
      found = new PythonEnvironment(home, interpreter(home));
    }
    return found;
  }

  /** python/ of this repository: as set, else found above the working directory (tests). */
  public static Path locateHome() {
    String set = System.getProperty(HOME_PROPERTY, System.getenv("FLOWERSIM_PYTHON_HOME"));
    if (set != null && !set.isBlank()) {
      Path home = Path.of(set).toAbsolutePath();
      if (!Files.isDirectory(home.resolve(PACKAGE))) {
        throw new IllegalStateException(HOME_PROPERTY + ": " + home + " has no " + PACKAGE
            + " (flowersim's Python worker package)");
      }
      return home;
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("python").resolve(PACKAGE))) {
        return dir.resolve("python");
      }
    }
    throw new IllegalStateException("cannot find flowersim's Python worker package: set -D"
        + HOME_PROPERTY + " (or FLOWERSIM_PYTHON_HOME) to the python/ directory of flowersim");
  }

  private static String interpreter(Path home) {
    ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("env.sh").toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    try {
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException("no Python for spec.flowerApp: " + home.resolve("env.sh")
            + " failed (its output is above; FLOWERSIM_PYTHON names your own interpreter)");
      }
      return out.strip().lines().reduce((a, b) -> b).orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + home.resolve("env.sh") + ": "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while preparing Python", e);
    }
  }

  public Path home() {
    return home;
  }

  public String interpreter() {
    return interpreter;
  }

  /** {@code python -m flowersim_worker ARGS}, unbuffered. */
  public List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of(interpreter, "-u", "-m", PACKAGE));
    command.addAll(List.of(args));
    return command;
  }

  /** The worker's environment: the package first on PYTHONPATH, then whatever the user set. */
  public Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    String existing = System.getenv("PYTHONPATH");
    env.put("PYTHONPATH", home + (existing == null || existing.isBlank() ? "" : ":" + existing));
    return env;
  }
}
