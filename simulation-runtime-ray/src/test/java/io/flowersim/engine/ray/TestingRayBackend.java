package io.flowersim.engine.ray;

import io.flowersim.engine.ClientEngine;
import io.flowersim.engine.ClientScheduler;
import io.flowersim.engine.EngineBackend;

/** The Ray backend, keeping hold of its actors so that a test can see where clients ran. */
final class TestingRayBackend implements EngineBackend {

  RayActors actors;

  @Override
  public String name() {
    return EngineBackend.RAY;
  }

  @Override
  public ClientEngine create(Request request) {
    actors = RayActors.connect(RayActors.Options.from(request));
    return new ClientScheduler(actors);
  }
}
