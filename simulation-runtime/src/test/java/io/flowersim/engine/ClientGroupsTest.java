package io.flowersim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowersim.api.v1alpha1.spec.ClientGroupSpec;
import io.flowersim.api.v1alpha1.spec.ClientsSpec;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.Config;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.task.TestingTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

public class ClientGroupsTest {

  private static final Parameters PARAMETERS = TestingTask.parameters(new float[] {1f, 2f});
  private final List<ClientEngine> engines = new ArrayList<>();

  @AfterEach
  void tearDown() {
    engines.forEach(ClientEngine::close);
  }

  public static ClientGroupSpec group(String name, int count, double cpus, Double dropoutRate) {
    ClientGroupSpec g = new ClientGroupSpec();
    g.name = name;
    g.count = count;
    g.resources = ClientConcurrencyTest.client(cpus, 0.0);
    g.dropoutRate = dropoutRate;
    return g;
  }

  public static ClientsSpec clients(int count, ClientGroupSpec... groups) {
    ClientsSpec c = new ClientsSpec();
    c.count = count;
    c.groups = List.of(groups);
    return c;
  }

  @Test
  void groupsHoldConsecutiveIdsInTheirOrderAndInheritWhatTheyLeaveOut() {
    ClientsSpec spec = clients(100, group("phones", 80, 0.5, 0.3), group("laptops", 20, 2, null));
    spec.dropoutRate = 0.1;

    ClientGroups groups = ClientGroups.of(spec);

    assertThat(groups.declared()).isTrue();
    assertThat(groups.groups()).extracting(ClientGroups.Group::first).containsExactly(0, 80);
    assertThat(groups.indexOf(0)).isZero();
    assertThat(groups.indexOf(79)).isZero();
    assertThat(groups.indexOf(80)).isEqualTo(1);
    assertThat(groups.indexOf(99)).isEqualTo(1);
    assertThatThrownBy(() -> groups.indexOf(100)).hasMessageContaining("client 100");
    assertThat(groups.groups().get(1).dropoutRate()).isEqualTo(0.1);
    assertThat(groups.groups().get(0).dropoutRate()).isEqualTo(0.3);
    List<List<ClientInstruction>> split = groups.split(List.of(instruction(85),
        instruction(3), instruction(81), instruction(79)));
    assertThat(split.get(0)).extracting(ClientInstruction::clientId).containsExactly(3, 79);
    assertThat(split.get(1)).extracting(ClientInstruction::clientId).containsExactly(85, 81);
  }

  @Test
  void withoutGroupsEveryClientIsOneGroupOfTheClientsFields() {
    ClientsSpec spec = new ClientsSpec();
    spec.count = 7;
    spec.dropoutRate = 0.2;
    spec.resources = ClientConcurrencyTest.client(2.0, 0.0);

    ClientGroups groups = ClientGroups.of(spec);

    assertThat(groups.declared()).isFalse();
    assertThat(groups.size()).isEqualTo(1);
    assertThat(groups.groups().get(0).count()).isEqualTo(7);
    assertThat(groups.groups().get(0).resources().cpusOrDefault()).isEqualTo(2);
    assertThat(groups.groups().get(0).dropoutRate()).isEqualTo(0.2);
  }

  @Test
  void groupsShareTheEngineInProportionToTheirSizes() {
    // 8 CPUs: one of each first (2.5), then the group running the smaller share of its clients:
    // phones up to 8 (4 CPUs), laptops 2 (4 CPUs); 8/800 = 2/200.
    ClientGroups groups = ClientGroups.of(clients(1000, group("phones", 800, 0.5, null),
        group("laptops", 200, 2, null)));

    assertThat(ClientConcurrency.slots(new EngineResources(8, 0), groups.groups()))
        .containsExactly(8, 2);
    // 4 CPUs: 1 + 1 (2.5 CPUs), the 1.5 left holds phones only.
    assertThat(ClientConcurrency.slots(new EngineResources(4, 0), groups.groups()))
        .containsExactly(4, 1);
  }

  @Test
  void aGroupGetsNoMoreSlotsThanItHasClients() {
    ClientGroups groups = ClientGroups.of(clients(12, group("few", 2, 0.5, null),
        group("many", 10, 0.5, null)));

    assertThat(ClientConcurrency.slots(new EngineResources(8, 0), groups.groups()))
        .containsExactly(2, 10);
  }

  @Test
  void groupsThatCannotRunOneClientEachAtOnceAreRefusedNamingTheGroups() {
    ClientGroups together = ClientGroups.of(clients(20, group("a", 10, 1.5, null),
        group("b", 10, 1, null)));
    ClientGroups tooBig = ClientGroups.of(clients(20, group("a", 10, 1, null),
        group("b", 10, 3, null)));

    assertThatThrownBy(() -> ClientConcurrency.slots(new EngineResources(2, 0), together.groups()))
        .isInstanceOf(InsufficientResourcesException.class)
        .hasMessageStartingWith("spec.clients.groups: one client of every group at once needs "
            + "2.5 CPUs");
    assertThatThrownBy(() -> ClientConcurrency.slots(new EngineResources(2, 0), tooBig.groups()))
        .isInstanceOf(InsufficientResourcesException.class)
        .hasMessageStartingWith("spec.clients.groups[1].resources.cpus: group b: each client "
            + "needs 3 CPUs");
  }

  /**
   * Each group's clients wait until as many of them as its slots are inside at once; the groups
   * run side by side, so neither group's barrier could open if the groups took turns with fewer
   * threads, and more than its slots would raise the observed maximum.
   */
  @Test
  void eachGroupRunsAsManyClientsAtOnceAsItsShareOfTheResourcesHolds() {
    ClientGroups groups = ClientGroups.of(clients(100, group("phones", 80, 0.5, null),
        group("laptops", 20, 2, null)));
    EngineResources resources = new EngineResources(4, 0);
    int[] slots = ClientConcurrency.slots(resources, groups.groups());
    LocalThreadsTest.Overlap phones = new LocalThreadsTest.Overlap();
    LocalThreadsTest.Overlap laptops = new LocalThreadsTest.Overlap();
    TestingTask task = new TestingTask().onFit((ctx, p, c) -> {
      LocalThreadsTest.Overlap overlap = ctx.clientId() < 80 ? phones : laptops;
      overlap.enter();
      try {
        Thread.sleep(50);
      } finally {
        overlap.exit();
      }
      return new FitResult(p, 1, Map.of());
    });
    ClientStateStore states = new ClientStateStore();
    ClientRunner runner = new ClientRunner(task, TestingTask.settings(100), states);
    List<ClientEngine> perGroup = new ArrayList<>();
    for (int s : slots) {
      perGroup.add(LocalThreads.engine(runner, resources, s));
    }
    GroupedEngine engine = new GroupedEngine(groups, perGroup, states, true);
    engines.add(engine);
    List<ClientInstruction> sampled = new ArrayList<>();
    IntStream.range(60, 80).forEach(id -> sampled.add(instruction(id)));
    IntStream.range(80, 84).forEach(id -> sampled.add(instruction(id)));

    RoundResults<FitResult> results = engine.fit(1, PARAMETERS, sampled, Duration.ofSeconds(60),
        ClientListener.NONE);

    assertThat(slots).containsExactly(4, 1);
    assertThat(results.failures()).isEmpty();
    assertThat(results.results()).hasSize(24);
    assertThat(phones.max.get()).isEqualTo(4);
    assertThat(laptops.max.get()).isEqualTo(1);
    assertThat(engine.maxConcurrentClients(0)).isEqualTo(4);
    assertThat(engine.maxConcurrentClients(1)).isEqualTo(1);
    assertThat(engine.clientStates()).isSameAs(states);
    assertThat(engine.description()).contains("group phones (80 clients of 0.5 CPUs, 0 GPUs)")
        .contains("4 client(s) at once").contains("group laptops");
  }

  private static ClientInstruction instruction(int id) {
    return new ClientInstruction(id, Config.empty());
  }
}
