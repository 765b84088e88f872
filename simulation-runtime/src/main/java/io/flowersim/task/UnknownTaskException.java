package io.flowersim.task;

import java.util.Set;

/** spec.task names no registered task. */
public class UnknownTaskException extends RuntimeException {
  public UnknownTaskException(String name, Set<String> known) {
    super("spec.task: unknown task \"" + name + "\"; available: " + String.join(", ", known));
  }
}
