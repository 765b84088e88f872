package io.flowersim.engine.ray;

import io.flowersim.engine.ClientEngine;
import io.flowersim.engine.ClientScheduler;
import io.flowersim.engine.EngineBackend;

/** The Ray backend, keeping hold of its actors so that a test can see where clients ran. */
final class TestingRayBackend implements EngineBackend {

  RayActors actors;
  /** Every pool it made, in order: one per client group. */
  final java.util.List<RayActors> pools = new java.util.ArrayList<>();

  @Override
  public String name() {
    return EngineBackend.RAY;
  }

  @Override
  public ClientEngine create(Request request) {
    actors = RayActors.connect(RayActors.Options.from(request));
    pools.add(actors);
    return new ClientScheduler(actors);
  }

  @Override
  public io.flowersim.engine.EngineResources resources(String address, String workerGroup) {
    return RayActors.resources(address, workerGroup);
  }
}
