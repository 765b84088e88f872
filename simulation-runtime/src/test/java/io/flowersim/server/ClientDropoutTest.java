package io.flowersim.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientOperation;
import io.flowersim.client.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ClientDropoutTest {

  private static List<ClientInstruction> instructions(int n) {
    return IntStream.range(0, n).mapToObj(id -> new ClientInstruction(id, Config.empty()))
        .toList();
  }

  @Test
  void clientsDropOutAtTheRate() {
    ClientDropout dropout = new ClientDropout(0.3, 42);
    int dropped = 0;
    int draws = 0;
    for (int round = 1; round <= 20; round++) {
      for (int id = 0; id < 1000; id++) {
        draws++;
        if (dropout.dropsOut(round, ClientOperation.FIT, id)) {
          dropped++;
        }
      }
    }
    // 20000 draws: the share's standard error is 0.32%; 0.3 +- 0.015 is almost 5 of them
    assertThat((double) dropped / draws).isCloseTo(0.3, within(0.015));
  }

  @Test
  void decisionsDependOnSeedRoundOperationAndClientOnly() {
    ClientDropout a = new ClientDropout(0.5, 7);
    ClientDropout b = new ClientDropout(0.5, 7);
    List<Boolean> first = new ArrayList<>();
    List<Boolean> again = new ArrayList<>();
    List<Boolean> otherSeed = new ArrayList<>();
    List<Boolean> otherRound = new ArrayList<>();
    List<Boolean> evaluate = new ArrayList<>();
    for (int id = 0; id < 200; id++) {
      first.add(a.dropsOut(3, ClientOperation.FIT, id));
      otherSeed.add(new ClientDropout(0.5, 8).dropsOut(3, ClientOperation.FIT, id));
      otherRound.add(a.dropsOut(4, ClientOperation.FIT, id));
      evaluate.add(a.dropsOut(3, ClientOperation.EVALUATE, id));
    }
    for (int id = 199; id >= 0; id--) {
      again.add(0, b.dropsOut(3, ClientOperation.FIT, id));
    }

    assertThat(again).isEqualTo(first);
    assertThat(otherSeed).isNotEqualTo(first);
    assertThat(otherRound).isNotEqualTo(first);
    assertThat(evaluate).isNotEqualTo(first);
  }

  @Test
  void splitKeepsTheOrderAndMakesFailuresWithTheReason() {
    ClientDropout dropout = new ClientDropout(0.5, 1);

    ClientDropout.Split split = dropout.split(2, ClientOperation.EVALUATE, instructions(50));

    assertThat(split.reporting()).isNotEmpty().isSortedAccordingTo(
        (x, y) -> Integer.compare(x.clientId(), y.clientId()));
    assertThat(split.reporting().size() + split.dropped().size()).isEqualTo(50);
    assertThat(split.dropped()).isNotEmpty().allSatisfy(f -> {
      assertThat(f.reason()).isEqualTo("dropped out (clients.dropoutRate)");
      assertThat(f.round()).isEqualTo(2);
      assertThat(f.operation()).isEqualTo(ClientOperation.EVALUATE);
      assertThat(dropout.dropsOut(2, ClientOperation.EVALUATE, f.clientId())).isTrue();
    });
    assertThat(split.dropped()).extracting(ClientFailure::summary).first().asString()
        .endsWith(": dropped out (clients.dropoutRate)");
    assertThat(split.reporting()).allSatisfy(i ->
        assertThat(dropout.dropsOut(2, ClientOperation.EVALUATE, i.clientId())).isFalse());
  }

  @Test
  void rateZeroDropsNobody() {
    ClientDropout.Split split = ClientDropout.NONE.split(1, ClientOperation.FIT, instructions(100));

    assertThat(split.reporting()).hasSize(100);
    assertThat(split.dropped()).isEmpty();
  }

  @Test
  void rateOutsideZeroOneIsRefused() {
    assertThatThrownBy(() -> new ClientDropout(1.0, 1)).hasMessageContaining("[0, 1)");
    assertThatThrownBy(() -> new ClientDropout(-0.1, 1)).hasMessageContaining("[0, 1)");
    assertThatThrownBy(() -> new ClientDropout(Double.NaN, 1)).hasMessageContaining("[0, 1)");
  }

  /**
   * With groups a client drops out at its group's rate, drawing the number it draws without
   * groups: a group of the simulation's rate drops exactly the clients it would drop anyway.
   */
  @Test
  void eachGroupsClientsDropOutAtTheGroupsRate() {
    io.flowersim.api.v1alpha1.spec.ClientsSpec spec = io.flowersim.engine.ClientGroupsTest
        .clients(1000, io.flowersim.engine.ClientGroupsTest.group("always", 500, 1, 0.0),
            io.flowersim.engine.ClientGroupsTest.group("flaky", 500, 1, 0.3));
    ClientDropout grouped = ClientDropout.of(io.flowersim.engine.ClientGroups.of(spec), 42);
    ClientDropout plain = new ClientDropout(0.3, 42);
    int flakyDropped = 0;
    for (int round = 1; round <= 10; round++) {
      for (int id = 0; id < 1000; id++) {
        boolean drops = grouped.dropsOut(round, ClientOperation.FIT, id);
        if (id < 500) {
          assertThat(drops).as("client %d of group always", id).isFalse();
        } else {
          assertThat(drops).isEqualTo(plain.dropsOut(round, ClientOperation.FIT, id));
          flakyDropped += drops ? 1 : 0;
        }
      }
    }
    // 5000 draws at 0.3: standard error 0.65%
    assertThat(flakyDropped / 5000.0).isCloseTo(0.3, within(0.03));
    assertThat(grouped.toString()).isEqualTo("clients.groups' dropoutRate: always 0.0, flaky 0.3");
  }
}
