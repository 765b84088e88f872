package io.flowersim.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The client-side parts of strategies, around a task's client: SCAFFOLD's control variates
 * (Karimireddy et al., Algorithm 1, option II) and the clipping of client-side differential
 * privacy (Flower's fixedclipping_mod and adaptiveclipping_mod), on fixed vectors.
 */
class ClientSideStrategyTest {

  private static Parameters p(float... values) {
    return Parameters.builder().add("w", new int[] {values.length}, values).build();
  }

  /**
   * Trains as K = 4 SGD steps at rate 0.1 on a loss with the constant gradient [1, -1]: y = x -
   * 0.4 * ([1, -1] + correction).
   */
  private static class ConstantGradientClient implements ControlVariateClient {
    float[] lastCorrection;

    @Override
    public Parameters getParameters(Config config) {
      return p(0, 0);
    }

    @Override
    public FitResult fit(Parameters parameters, Config config) {
      return fit(parameters, config, new float[parameters.size()]).result();
    }

    @Override
    public CorrectedFit fit(Parameters parameters, Config config, float[] correction) {
      lastCorrection = correction.clone();
      float[] x = parameters.values();
      float[] g = {1, -1};
      float[] y = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = x[i] - 0.4f * (g[i] + correction[i]);
      }
      return new CorrectedFit(new FitResult(Parameters.withLayoutOf(parameters, y), 8,
          Map.of("train_loss", 0.5)), 4, 0.1);
    }

    @Override
    public EvaluateResult evaluate(Parameters parameters, Config config) {
      return new EvaluateResult(0, 1, Map.of());
    }
  }

  @Test
  void scaffoldTrainsWithTheCorrectionAndKeepsTheNewControlVariateInTheState() throws Exception {
    ConstantGradientClient task = new ConstantGradientClient();
    ClientState state = new ClientState();
    state.put(ScaffoldClient.STATE_KEY, new float[] {0.1f, 0.2f});
    Parameters sent = ControlVariates.append(p(1, 2), new float[] {0.5f, 0.5f});

    FitResult result = new ScaffoldClient(task, state).fit(sent, Config.empty());

    // correction c - c_i = [0.4, 0.3]; y = [1 - 0.4 * 1.4, 2 - 0.4 * -0.7] = [0.44, 2.28]
    assertThat(task.lastCorrection).containsExactly(0.4f, 0.3f);
    // c_i+ = c_i - c + (x - y) / (K * lr) = [-0.4 + 1.4, -0.3 - 0.7] = [1, -1]: the gradient
    float[] ci = state.get(ScaffoldClient.STATE_KEY);
    assertThat(ci[0]).isCloseTo(1f, within(1e-6f));
    assertThat(ci[1]).isCloseTo(-1f, within(1e-6f));
    // the reply: y, then Delta c_i = [0.9, -1.2], in the layout sent
    float[] reply = result.parameters().values();
    assertThat(result.parameters().sameLayoutAs(sent)).isTrue();
    assertThat(reply[0]).isCloseTo(0.44f, within(1e-6f));
    assertThat(reply[1]).isCloseTo(2.28f, within(1e-6f));
    assertThat(reply[2]).isCloseTo(0.9f, within(1e-6f));
    assertThat(reply[3]).isCloseTo(-1.2f, within(1e-6f));
    assertThat(result.numExamples()).isEqualTo(8);
  }

  @Test
  void aClientsFirstControlVariateIsZero() throws Exception {
    ConstantGradientClient task = new ConstantGradientClient();
    ClientState state = new ClientState();

    new ScaffoldClient(task, state).fit(ControlVariates.append(p(1, 2), new float[] {0.5f, 0}),
        Config.empty());

    assertThat(task.lastCorrection).containsExactly(0.5f, 0f);
    assertThat(state.isEmpty()).isFalse();
  }

  @Test
  void scaffoldRefusesAClientThatCannotTakeTheCorrection() {
    Client plain = new Client() {
      @Override
      public Parameters getParameters(Config config) {
        return p(0);
      }

      @Override
      public FitResult fit(Parameters parameters, Config config) {
        return new FitResult(parameters, 1, Map.of());
      }

      @Override
      public EvaluateResult evaluate(Parameters parameters, Config config) {
        return new EvaluateResult(0, 1, Map.of());
      }
    };

    assertThatThrownBy(() -> new ScaffoldClient(plain, new ClientState())
        .fit(ControlVariates.append(p(1), new float[1]), Config.empty()))
        .hasMessageContaining("ControlVariateClient");
  }

  @Test
  void clippingScalesTheUpdateBeforeItLeavesTheClientAndReportsTheNormBit() throws Exception {
    // sent [1,1], trained [4,5]: update [3,4] of norm 5, clipped to 2.5 -> [2.5, 3]
    Client trainsTo45 = new ConstantGradientClient() {
      @Override
      public FitResult fit(Parameters parameters, Config config) {
        return new FitResult(p(4, 5), 3, Map.of("train_loss", 0.5));
      }
    };
    Config adaptive = Config.empty().with(ConfigKeys.CLIPPING_NORM, 2.5)
        .with(ConfigKeys.REPORT_NORM_BIT, true);

    FitResult clipped = new ClippingClient(trainsTo45).fit(p(1, 1), adaptive);
    FitResult unclipped = new ClippingClient(trainsTo45).fit(p(1, 1),
        adaptive.with(ConfigKeys.CLIPPING_NORM, 5.0));
    FitResult fixed = new ClippingClient(trainsTo45).fit(p(1, 1),
        Config.empty().with(ConfigKeys.CLIPPING_NORM, 2.5));

    assertThat(clipped.parameters().values()).containsExactly(2.5f, 3f);
    assertThat(clipped.metrics()).containsEntry(ConfigKeys.NORM_BIT, 0.0)
        .containsEntry("train_loss", 0.5);
    assertThat(unclipped.parameters().values()).containsExactly(4f, 5f);
    assertThat(unclipped.metrics()).containsEntry(ConfigKeys.NORM_BIT, 1.0);
    assertThat(fixed.parameters().values()).containsExactly(2.5f, 3f);
    assertThat(fixed.metrics()).doesNotContainKey(ConfigKeys.NORM_BIT);
    assertThat(ClippingClient.requested(Config.empty())).isFalse();
  }
}
