package io.flowersim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.flowersim.api.v1alpha1.spec.ClientResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientConcurrencyTest {

  static ClientResources client(Double cpus, Double gpus) {
    ClientResources r = new ClientResources();
    r.cpus = cpus;
    r.gpus = gpus;
    return r;
  }

  @ParameterizedTest(name = "engine {0} CPUs {1} GPUs, client cpus {2} gpus {3} -> {4}")
  @CsvSource({
      "8, 0, 1, 0, 8",
      "2, 0, 0.5, 0, 4",
      "8, 1, 1, 0.25, 4", // the GPU limits: 8 by CPU, 4 by GPU
      "2, 4, 0.5, 0.25, 4", // the CPU limits: 4 by CPU, 16 by GPU
      "0.3, 0, 0.1, 0, 3", // 0.3 / 0.1 = 2.9999999999999996 in double; Ray counts 3
      "1, 0.3, 0.1, 0.1, 3",
      "3, 0, 2, 0, 1", // floor(1.5)
      "2, 0, 2, 0, 1",
  })
  void slotsFollowTheResources(double engineCpus, double engineGpus, double cpus, double gpus,
      int expected) {
    assertThat(ClientConcurrency.slots(new EngineResources(engineCpus, engineGpus),
        client(cpus, gpus))).isEqualTo(expected);
  }

  @Test
  void defaultsAreOneCpuAndNoGpu() {
    assertThat(ClientConcurrency.slots(new EngineResources(6, 0), new ClientResources()))
        .isEqualTo(6);
    assertThat(ClientConcurrency.slots(new EngineResources(6, 2), client(null, 0.5)))
        .isEqualTo(4);
  }

  /** Threads are not free: a tiny per-client CPU share does not mean millions of threads. */
  @Test
  void tinyClientCpusAreBoundedPerEngineCpu() {
    assertThat(ClientConcurrency.slots(new EngineResources(2, 0), client(1e-9, 0.0)))
        .isEqualTo(2 * ClientConcurrency.MAX_CLIENTS_PER_CPU);
    assertThat(ClientConcurrency.slots(new EngineResources(0.001, 0), client(1e-9, 0.0)))
        .isEqualTo(1);
  }

  @Test
  void aClientNeedingMoreCpusThanTheEngineHasIsRefused() {
    InsufficientResourcesException e = catchThrowableOfType(
        () -> ClientConcurrency.slots(new EngineResources(2, 0), client(4.0, 0.0)),
        InsufficientResourcesException.class);

    assertThat(e.field()).isEqualTo("spec.clients.resources.cpus");
    assertThat(e.getMessage()).startsWith("spec.clients.resources.cpus")
        .contains("needs 4 CPUs").contains("has only 2");
  }

  @Test
  void aClientNeedingMoreGpusThanTheEngineHasIsRefused() {
    InsufficientResourcesException e = catchThrowableOfType(
        () -> ClientConcurrency.slots(new EngineResources(8, 1), client(1.0, 1.5)),
        InsufficientResourcesException.class);

    assertThat(e.field()).isEqualTo("spec.clients.resources.gpus");
    assertThat(e.getMessage()).startsWith("spec.clients.resources.gpus")
        .contains("needs 1.5 GPUs").contains("has only 1");
  }

  @Test
  void aGpuClientOnAnEngineWithoutGpusIsRefused() {
    InsufficientResourcesException e = catchThrowableOfType(
        () -> ClientConcurrency.slots(new EngineResources(8, 0), client(1.0, 0.25)),
        InsufficientResourcesException.class);

    assertThat(e.field()).isEqualTo("spec.clients.resources.gpus");
    assertThat(e.getMessage()).contains("needs 0.25 GPUs").contains("has only 0");
  }
}
