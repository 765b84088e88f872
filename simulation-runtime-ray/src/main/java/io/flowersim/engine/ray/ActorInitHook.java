package io.flowersim.engine.ray;

/**
 * Runs once in every client actor, before the task is set up: Flower's {@code on_actor_init_fn}
 * (set environment, thread counts, logging, warm caches). Named by the system property
 * {@value RayEngine#INIT_HOOK_PROPERTY} in the driver; needs a public no-argument constructor and
 * must be on the code search path.
 */
public interface ActorInitHook {
  void onActorInit() throws Exception;
}
