package io.flowersim.engine.ray;

/** An init hook for the tests: RayEngineIT counts its runs through the replies' placements. */
public class CountingInitHook implements ActorInitHook {
  @Override
  public void onActorInit() {
    System.setProperty("flowersim.test.init-hook", "ran");
  }
}
