package io.flowersim.task;

import java.util.List;

/**
 * The task refuses its settings (spec.taskConfig, or partitioning it cannot serve), or the Flower
 * App of spec.flowerApp cannot be used.
 */
public class TaskConfigException extends IllegalArgumentException {

  private final List<String> problems;

  public TaskConfigException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** For a task's setup: refuses what {@link FederatedTask#check} found, if anything. */
  public static void refuseAny(List<String> problems) {
    if (!problems.isEmpty()) {
      throw new TaskConfigException(problems);
    }
  }

  /** One line each, naming the field. */
  public List<String> problems() {
    return problems;
  }
}
