package io.flowersim.engine.ray;

import io.flowersim.engine.ClientEngine;
import io.flowersim.engine.ClientScheduler;
import io.flowersim.engine.EngineBackend;
import io.flowersim.engine.EngineResources;

/**
 * --backend ray: found by the CLI through ServiceLoader. A task's clients run in Java actors, a
 * Flower App's in Python actors; either way under the one client scheduler.
 */
public final class RayBackend implements EngineBackend {

  @Override
  public String name() {
    return EngineBackend.RAY;
  }

  @Override
  public ClientEngine create(Request request) {
    if (request.flowerApp() != null) {
      return new ClientScheduler(PythonActors.connect(PythonActors.Options.from(request)));
    }
    return new ClientScheduler(RayActors.connect(RayActors.Options.from(request)));
  }

  @Override
  public EngineResources resources(String address, String workerGroup) {
    return RayActors.resources(address, workerGroup);
  }
}
