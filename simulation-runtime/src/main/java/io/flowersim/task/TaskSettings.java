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

  /**
   * A whole number from taskConfig that must be at least 1; errors name the field as the user
   * wrote it ({@code spec.taskConfig.<key>}).
   */
  public int positiveInt(String key, int fallback) {
    int v;
    try {
      v = taskConfig.getInt(key, fallback);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("spec.taskConfig." + e.getMessage(), e);
    }
    if (v < 1) {
      throw new IllegalArgumentException("spec.taskConfig." + key + ": must be >= 1, got " + v);
    }
    return v;
  }
}
