package io.flowersim.task.fashionmnist;

import ai.djl.engine.Engine;

/** DJL's PyTorch engine, loaded offline: natives come from the pytorch-native-cpu jar. */
final class Djl {

  static final String ENGINE = "PyTorch";

  private Djl() {}

  /**
   * Loads the engine with {@code ai.djl.offline=true} set first, so DJL never reaches its download
   * site (a missing native then fails fast instead of downloading). Idempotent.
   */
  static synchronized Engine engine() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    // DJL would otherwise look for other engines and models on the classpath and the network
    if (System.getProperty("ai.djl.default_engine") == null) {
      System.setProperty("ai.djl.default_engine", ENGINE);
    }
    return Engine.getEngine(ENGINE);
  }
}
