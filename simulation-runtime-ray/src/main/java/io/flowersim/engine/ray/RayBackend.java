package io.flowersim.engine.ray;

import io.flowersim.engine.ClientEngine;
import io.flowersim.engine.ClientScheduler;
import io.flowersim.engine.EngineBackend;

/** --backend ray: found by the CLI through ServiceLoader. */
public final class RayBackend implements EngineBackend {

  @Override
  public String name() {
    return EngineBackend.RAY;
  }

  @Override
  public ClientEngine create(Request request) {
    if (request.flowerApp() != null) {
      throw new IllegalArgumentException("--backend ray: spec.flowerApp runs on the local backend "
          + "only so far");
    }
    return new ClientScheduler(RayActors.connect(RayActors.Options.from(request)));
  }
}
