package io.flowersim.strategy;

import static io.flowersim.strategy.StrategyTesting.p;
import static io.flowersim.strategy.StrategyTesting.round;
import static io.flowersim.strategy.StrategyTesting.summed;
import static io.flowersim.strategy.StrategyTesting.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.client.ClientResult;
import io.flowersim.client.ControlVariates;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SCAFFOLD's server step (Karimireddy et al., Algorithm 1) on fixed vectors. */
class ScaffoldTest {

  /** A client's reply: its model y followed by its Delta c, as the client wrapper sends it. */
  private static ClientResult<FitResult> reply(int client, long examples, Parameters sent,
      float... values) {
    return new ClientResult<>(client, new FitResult(Parameters.withLayoutOf(sent, values),
        examples, Map.of()));
  }

  private static RoundResults<FitResult> replies(Parameters sent) {
    // client 0: y [0,2], Delta c [1,0], 1 example; client 1: y [2,2], Delta c [0,1], 3 examples
    return new RoundResults<>(List.of(reply(0, 1, sent, 0, 2, 1, 0),
        reply(1, 3, sent, 2, 2, 0, 1)), List.of());
  }

  @Test
  void sendsItsControlVariateWithTheModelAndStepsBoth() {
    Scaffold scaffold = Scaffold.builder().build();
    Parameters global = p(1, 2);
    scaffold.configureFit(1, global, new ClientManager(10, 1));

    Parameters sent = scaffold.fitParameters(1, global);
    // c starts at zero, appended as a tensor of the model's shape
    assertThat(sent.values()).containsExactly(1, 2, 0, 0);
    assertThat(sent.tensors()).extracting(Parameters.Tensor::name)
        .containsExactly("w", ControlVariates.PREFIX + "w");

    FitAggregate aggregate = scaffold.aggregateFit(1, replies(sent));
    // example-weighted means: y = [(0 + 6)/4, (2 + 6)/4] = [1.5, 2], Delta c = [0.25, 0.75];
    // eta_g = 1: x = y; c = 0 + (|S| = 2 / N = 10) * [0.25, 0.75] = [0.05, 0.15]
    assertThat(values(aggregate)).containsExactly(1.5f, 2f);
    assertThat(aggregate.parameters().orElseThrow().sameLayoutAs(global)).isTrue();
    Parameters next = scaffold.fitParameters(2, aggregate.parameters().orElseThrow());
    assertThat(next.values()[2]).isCloseTo(0.05f, within(1e-7f));
    assertThat(next.values()[3]).isCloseTo(0.15f, within(1e-7f));
  }

  @Test
  void theGlobalStepSizeScalesTheModelsStep() {
    Scaffold scaffold = Scaffold.builder().serverLearningRate(0.5).build();
    Parameters global = p(1, 2);
    scaffold.configureFit(1, global, new ClientManager(10, 1));
    Parameters sent = scaffold.fitParameters(1, global);

    // x + 0.5 * ([1.5, 2] - [1, 2]) = [1.25, 2]
    assertThat(values(scaffold.aggregateFit(1, replies(sent)))).containsExactly(1.25f, 2f);
  }

  @Test
  void summedRepliesGiveTheSameStepAndTheStateResumesIt() {
    Scaffold each = Scaffold.builder().build();
    Scaffold sum = Scaffold.builder().build();
    Parameters global = p(1, 2);
    each.configureFit(1, global, new ClientManager(10, 1));
    sum.configureFit(1, global, new ClientManager(10, 1));
    RoundResults<FitResult> replies = replies(each.fitParameters(1, global));
    sum.fitParameters(1, global);

    assertThat(sum.aggregatesMeanOfUpdates()).isTrue();
    assertThat(values(sum.aggregateFit(1, summed(replies))))
        .containsExactly(values(each.aggregateFit(1, replies)));

    Scaffold resumed = Scaffold.builder().build();
    resumed.restoreState(sum.saveState());
    assertThat(resumed.fitParameters(2, global).values())
        .containsExactly(sum.fitParameters(2, global).values());
    assertThat(resumed.control()).containsExactly(0.05f, 0.15f);
  }

  @Test
  void theModelAloneComesBackFromARound() {
    Scaffold scaffold = Scaffold.builder().build();
    Parameters global = p(1, 2);
    FitAggregate aggregate = round(scaffold, 1, global,
        replies(scaffold.fitParameters(1, global)));

    assertThat(aggregate.parameters().orElseThrow().size()).isEqualTo(2);
  }
}
