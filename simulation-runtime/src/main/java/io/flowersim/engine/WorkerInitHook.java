package io.flowersim.engine;

/**
 * Runs once in every worker that runs clients, before the task is set up there: Flower's {@code
 * on_actor_init_fn} (environment, thread counts, logging, warm caches). The same hook serves every
 * backend: each Ray actor, each JVM of the local worker pool, and this JVM when the local backend
 * runs clients in-process. Named by {@code --worker-init CLASS} or the system property
 * {@value #PROPERTY}; needs a public no-argument constructor and must be on the workers' classpath.
 */
public interface WorkerInitHook {

  /** System property naming the hook class, when the CLI option is not given. */
  String PROPERTY = "flowersim.worker-init";

  void onWorkerInit() throws Exception;

  /** The hook class to use: {@code option} if given, else the system property; "" for none. */
  static String configured(String option) {
    String name = option != null ? option : System.getProperty(PROPERTY, "");
    return name.trim();
  }

  /**
   * Loads and runs the hook named {@code className} (nothing for ""); errors name the class and say
   * what is wrong with it.
   */
  static void run(String className, ClassLoader loader) throws Exception {
    if (className == null || className.isEmpty()) {
      return;
    }
    Class<?> type;
    try {
      type = Class.forName(className, true, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("--worker-init " + className
          + ": no such class on the workers' classpath", e);
    }
    if (!WorkerInitHook.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException("--worker-init " + className + ": does not implement "
          + WorkerInitHook.class.getName());
    }
    WorkerInitHook hook;
    try {
      hook = (WorkerInitHook) type.getDeclaredConstructor().newInstance();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException("--worker-init " + className
          + ": needs a public no-argument constructor", e);
    }
    hook.onWorkerInit();
  }
}
