package io.flowersim.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowersim.client.Config;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskOptionsTest {

  static final TaskOption<Integer> EPOCHS = TaskOption.wholeNumber("localEpochs", 1, 1, 100);
  static final TaskOption<Double> RATE = TaskOption.number("learningRate", 0.1, 0, false);
  static final TaskOption<Double> FRACTION = TaskOption.number("evalFraction", 0.1, 0, true, 1);
  static final TaskOption<Boolean> METRICS = TaskOption.flag("trainMetrics", false);
  static final TaskOptions OPTIONS = TaskOptions.of(List.of(EPOCHS, RATE, FRACTION, METRICS));

  @Test
  void absentKeysHaveTheirDefaults() {
    Config none = Config.empty();
    assertThat(EPOCHS.read(none)).isEqualTo(1);
    assertThat(RATE.read(none)).isEqualTo(0.1);
    assertThat(METRICS.read(none)).isFalse();
    assertThat(OPTIONS.check(none)).isEmpty();
  }

  @Test
  void valuesAreReadFromStringsAndNumbers() {
    Config config = Config.of(Map.of("localEpochs", "3", "learningRate", 0.5, "trainMetrics",
        "true"));
    assertThat(EPOCHS.read(config)).isEqualTo(3);
    assertThat(RATE.read(config)).isEqualTo(0.5);
    assertThat(METRICS.read(config)).isTrue();
  }

  @Test
  void everyProblemIsOneLineNamingTheField() {
    Config config = Config.of(Map.of("localEpochs", "101", "learningRate", "Infinity",
        "evalFraction", "1", "trainMetrics", "yes", "locaEpochs", "2"));
    assertThat(OPTIONS.check(config)).containsExactlyInAnyOrder(
        "spec.taskConfig.localEpochs: must be a whole number from 1 to 100, got \"101\"",
        "spec.taskConfig.learningRate: must be a number > 0, got \"Infinity\"",
        "spec.taskConfig.evalFraction: must be a number >= 0 and < 1, got \"1\"",
        "spec.taskConfig.trainMetrics: must be true or false, got \"yes\"",
        "spec.taskConfig.locaEpochs: unknown key; known keys: localEpochs, learningRate, "
            + "evalFraction, trainMetrics");
  }

  @Test
  void theDeclarationDescribesTheKeys() {
    assertThat(OPTIONS.describe()).isEqualTo("taskConfig: localEpochs (a whole number from 1 to "
        + "100, default 1), learningRate (a number > 0, default 0.1), evalFraction (a number >= 0 "
        + "and < 1, default 0.1), trainMetrics (true or false, default false)");
  }

  @Test
  void undeclaredTasksAcceptAnyKey() {
    assertThat(TaskOptions.UNDECLARED.check(Config.of(Map.of("anything", "x")))).isEmpty();
  }

  @Test
  void aKeyDeclaredTwiceIsAProgrammingError() {
    assertThatThrownBy(() -> TaskOptions.of(List.of(EPOCHS, EPOCHS)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
