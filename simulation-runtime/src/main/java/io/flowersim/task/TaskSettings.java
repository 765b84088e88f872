package io.flowersim.task;

import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.client.Config;
import java.util.function.Supplier;

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
    int v = named(() -> taskConfig.getInt(key, fallback));
    if (v < 1) {
      throw new IllegalArgumentException("spec.taskConfig." + key + ": must be >= 1, got " + v);
    }
    return v;
  }

  /** A number from taskConfig; a value that is not one is refused naming the field. */
  public double number(String key, double fallback) {
    return named(() -> taskConfig.getDouble(key, fallback));
  }

  /** true or false from taskConfig; anything else is refused naming the field. */
  public boolean flag(String key, boolean fallback) {
    return named(() -> taskConfig.getBoolean(key, fallback));
  }

  /** Config's errors start with the key; the user wrote it under spec.taskConfig. */
  private static <T> T named(Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("spec.taskConfig." + e.getMessage(), e);
    }
  }
}
