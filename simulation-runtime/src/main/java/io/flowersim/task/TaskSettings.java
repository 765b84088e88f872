package io.flowersim.task;

import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.client.Config;

/**
 * What a task is set up with, once per process that runs its clients.
 *
 * @param taskConfig spec.taskConfig
 * @param numClients spec.clients.count, also the number of data partitions
 * @param partitioning spec.clients.partitioning (never null)
 */
public record TaskSettings(Config taskConfig, int numClients, PartitioningSpec partitioning) {

  /** The value of a declared taskConfig key, or its default; refused naming the field. */
  public <T> T get(TaskOption<T> option) {
    return option.read(taskConfig);
  }
}
