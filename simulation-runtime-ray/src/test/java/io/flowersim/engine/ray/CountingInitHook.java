package io.flowersim.engine.ray;

import io.flowersim.engine.WorkerInitHook;

/** An init hook for the tests: RayActorsIT counts its runs through the replies' placements. */
public class CountingInitHook implements WorkerInitHook {
  @Override
  public void onWorkerInit() {
    System.setProperty("flowersim.test.init-hook", "ran");
  }
}
