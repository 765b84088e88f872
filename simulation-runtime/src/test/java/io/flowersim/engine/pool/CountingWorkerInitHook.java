package io.flowersim.engine.pool;

import io.flowersim.engine.WorkerInitHook;

/** A worker init hook for the pool's tests: the replies count its runs per process. */
public class CountingWorkerInitHook implements WorkerInitHook {
  @Override
  public void onWorkerInit() {
    System.setProperty("flowersim.test.worker-init", "ran");
  }
}
