package io.flowersim.flowerapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowersim.engine.pool.WorkerProcess;
import io.flowersim.task.TaskConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What `flowersim validate` (and run, before anything starts) asks of spec.flowerApp: that the
 * directory is a Flower App, its ClientApp (and evaluateFn, a callable) imports in the Python
 * environment, its run config keys exist. One line per problem, naming the spec.flowerApp field.
 */
public final class FlowerAppCheck {

  /** What every problem's line starts with (then the field's name below it). */
  public static final String FIELD = "spec.flowerApp";

  private static final ObjectMapper JSON = new ObjectMapper();

  private FlowerAppCheck() {}

  /** The problems ("spec.flowerApp.clientApp: cannot import ..."); empty when the app is usable. */
  public static List<String> problems(FlowerApp app) {
    List<String> found = withoutImport(app);
    if (!found.isEmpty()) {
      return found;
    }
    PythonEnvironment python = PythonEnvironment.find();
    Map<String, Object> head = new LinkedHashMap<>();
    head.put("app", app.directory().toString());
    head.put("clientApp", app.clientApp());
    head.put("runConfig", app.runConfig());
    head.put("initialArrays", app.initialArrays());
    head.put("evaluateFn", app.evaluateFn());
    try {
      ProcessBuilder builder = new ProcessBuilder(python.command("check",
          JSON.writeValueAsString(head))).redirectError(ProcessBuilder.Redirect.INHERIT);
      builder.environment().putAll(python.environment());
      Process process = builder.start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        return List.of("spec.flowerApp.clientApp: importing it took more than 5 minutes");
      }
      String last = out.strip().lines().reduce((a, b) -> b).orElse("");
      if (process.exitValue() != 0 || !last.startsWith("{")) {
        return List.of("spec.flowerApp: the Python check failed (exit code "
            + process.exitValue() + "; its output is above) with " + python.interpreter());
      }
      List<String> problems = new ArrayList<>();
      for (JsonNode p : JSON.readTree(last).path("problems")) {
        problems.add(p.path("field").asText() + ": " + p.path("message").asText());
      }
      return problems;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + python.interpreter() + ": " + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking spec.flowerApp", e);
    }
  }

  /**
   * What needs no Python: the app's directory exists. The pool's workers load the app as {@link
   * #problems} does and refuse it with the same lines, so a local run checks only this first.
   */
  public static List<String> withoutImport(FlowerApp app) {
    return Files.isDirectory(app.directory()) ? List.of()
        : List.of(FIELD + ".path: no such directory: " + app.directory());
  }

  /**
   * Throws validate's refusal when {@code cause} is a Python process's setup failure that is one
   * of this check's problems (it names a spec.flowerApp field: the process loads the app as the
   * check does); returns for anything else (a traceback, a process that died).
   *
   * @throws TaskConfigException with the failure's lines
   */
  public static void refuseIfProblem(Throwable cause) {
    if (cause instanceof WorkerProcess.SetupFailedException failed
        && failed.getMessage().startsWith(FIELD + ".")) {
      throw new TaskConfigException(failed.getMessage().strip().lines().toList());
    }
  }
}
