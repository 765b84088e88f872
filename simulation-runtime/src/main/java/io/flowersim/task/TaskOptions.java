package io.flowersim.task;

import io.flowersim.client.Config;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The taskConfig keys a task reads. A key it does not declare is refused (a typo such as
 * {@code locaEpochs} would otherwise be ignored); {@link #UNDECLARED} is for tasks that declare
 * nothing, whose keys are not checked.
 */
public final class TaskOptions {

  /** A task that declares no keys: any taskConfig is passed through unchecked. */
  public static final TaskOptions UNDECLARED = new TaskOptions(null);

  private final Map<String, TaskOption<?>> byKey;

  private TaskOptions(Map<String, TaskOption<?>> byKey) {
    this.byKey = byKey;
  }

  public static TaskOptions of(List<TaskOption<?>> options) {
    Map<String, TaskOption<?>> byKey = new LinkedHashMap<>();
    for (TaskOption<?> option : options) {
      if (byKey.put(option.key(), option) != null) {
        throw new IllegalArgumentException("taskConfig key " + option.key() + " declared twice");
      }
    }
    return new TaskOptions(byKey);
  }

  /** Every problem of {@code config}, one line each, in the order of its keys. */
  public List<String> check(Config config) {
    List<String> problems = new ArrayList<>();
    if (byKey == null) {
      return problems;
    }
    for (String key : config.asMap().keySet()) {
      TaskOption<?> option = byKey.get(key);
      if (option == null) {
        problems.add("spec.taskConfig." + key + ": unknown key; known keys: "
            + String.join(", ", byKey.keySet()));
        continue;
      }
      try {
        option.read(config);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    return problems;
  }

  /** "taskConfig: a (…), b (…)", for the task's description. */
  public String describe() {
    if (byKey == null) {
      return "taskConfig: not declared";
    }
    return "taskConfig: " + byKey.values().stream().map(TaskOption::describe)
        .collect(Collectors.joining(", "));
  }
}
