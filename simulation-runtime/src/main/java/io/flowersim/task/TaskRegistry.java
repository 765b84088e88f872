package io.flowersim.task;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Finds {@link FederatedTask}s by name through {@link ServiceLoader}. */
public final class TaskRegistry {

  private final Map<String, Supplier<FederatedTask>> byName = new TreeMap<>();
  private final Map<String, String> descriptions = new TreeMap<>();

  private TaskRegistry() {}

  /** The tasks visible to {@code loader} (the context class loader's by default). */
  public static TaskRegistry load(ClassLoader loader) {
    TaskRegistry registry = new TaskRegistry();
    for (ServiceLoader.Provider<FederatedTask> provider
        : ServiceLoader.load(FederatedTask.class, loader).stream().toList()) {
      FederatedTask probe = provider.get();
      registry.byName.put(probe.name(), provider::get);
      registry.descriptions.put(probe.name(), probe.description());
    }
    return registry;
  }

  public static TaskRegistry load() {
    return load(Thread.currentThread().getContextClassLoader());
  }

  /** A new, not yet set-up instance of the named task. */
  public FederatedTask create(String name) {
    Supplier<FederatedTask> supplier = byName.get(name);
    if (supplier == null) {
      throw new UnknownTaskException(name, byName.keySet());
    }
    return supplier.get();
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** Task names with their one-line descriptions, sorted by name. */
  public Map<String, String> descriptions() {
    return descriptions;
  }
}
