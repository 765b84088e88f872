package io.flowersim.engine;

/** What an engine may hand out to clients: CPUs and GPUs, both possibly fractional. */
public record EngineResources(double cpus, double gpus) {

  public EngineResources {
    if (!(cpus > 0)) {
      throw new IllegalArgumentException("engine CPUs must be > 0, got " + cpus);
    }
    if (gpus < 0) {
      throw new IllegalArgumentException("engine GPUs must be >= 0, got " + gpus);
    }
  }

  /** All the cores of this machine, no GPU: the local backend's default, like ray.init(). */
  public static EngineResources ofThisMachine() {
    return new EngineResources(Runtime.getRuntime().availableProcessors(), 0);
  }

  @Override
  public String toString() {
    return format(cpus) + " CPUs, " + format(gpus) + " GPUs";
  }

  static String format(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
