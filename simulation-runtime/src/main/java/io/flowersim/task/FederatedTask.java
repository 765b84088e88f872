package io.flowersim.task;

import io.flowersim.client.Client;
import io.flowersim.client.ClientContext;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.Parameters;
import java.util.List;
import java.util.Optional;

/**
 * A federated workload found by name: Flower's client_fn plus the model and data setup, packaged
 * so that the CLI, a Ray actor or the in-cluster runtime can all load it with {@link TaskRegistry}.
 * Implementations are registered in {@code META-INF/services/io.flowersim.task.FederatedTask}.
 *
 * <p>Each process (CLI, Ray actor) gets its own instance and calls {@link #setup} once before
 * anything else; clients are then created per call and dropped, so keep per-client work in
 * {@link #createClient} cheap and lazy: a million clients must not mean a million partitions.
 */
public interface FederatedTask {

  /** The name used in spec.task. */
  String name();

  /** One line for `flowersim validate` and error messages. */
  String description();

  /** The taskConfig keys this task reads; {@link TaskOptions#UNDECLARED} checks none. */
  default TaskOptions options() {
    return TaskOptions.UNDECLARED;
  }

  /**
   * What {@link #setup} would refuse, found without loading data, one line per problem naming
   * the field: `flowersim validate` and `run` (and the in-cluster runtime) call it before setup.
   * Each key is checked as its {@link #options} declare; when all are valid, {@link
   * #checkCombined} judges them together.
   */
  default List<String> check(TaskSettings settings) {
    List<String> problems = options().check(settings.taskConfig());
    return problems.isEmpty() ? checkCombined(settings) : problems;
  }

  /**
   * The checks that join several valid settings (partitioning against the task's labels, what its
   * data takes in memory); none by default.
   */
  default List<String> checkCombined(TaskSettings settings) {
    return List.of();
  }

  /** Loads data and prepares whatever the clients share; called once per process. */
  void setup(TaskSettings settings) throws Exception;

  /** Builds the ephemeral client for one fit or evaluate. */
  Client createClient(ClientContext context);

  /** The global model's starting point. */
  Parameters initialParameters();

  /** Server-side evaluation of the global model, if the task has a central test set. */
  default Optional<EvaluateResult> evaluateCentralized(int round, Parameters parameters) {
    return Optional.empty();
  }

  /**
   * Whether this task's clients implement {@link io.flowersim.client.ControlVariateClient}, so
   * that SCAFFOLD can run on them; the runtime refuses spec.strategy.name Scaffold otherwise.
   */
  default boolean trainsWithControlVariates() {
    return false;
  }

  /**
   * Whether clients of this task may run on several threads of one JVM at once. A task whose
   * library allows only one training step per process (DJL's PyTorch engine) returns false, and
   * the engine then never runs two of its clients in parallel threads.
   */
  default boolean clientsRunConcurrentlyInOneProcess() {
    return true;
  }
}
