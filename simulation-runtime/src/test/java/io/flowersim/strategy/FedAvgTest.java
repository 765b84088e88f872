package io.flowersim.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.api.v1alpha1.spec.StrategySpec;
import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientOperation;
import io.flowersim.client.ClientResult;
import io.flowersim.client.Config;
import io.flowersim.client.ConfigKeys;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.task.TestingTask;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FedAvgTest {

  private static Parameters p(float... v) {
    return TestingTask.parameters(v);
  }

  private static ClientFailure failure(int clientId, int round, ClientOperation op) {
    return ClientFailure.of(clientId, round, op, new IllegalStateException("boom"));
  }

  private static RoundResults<FitResult> fitResults(List<ClientFailure> failures) {
    // [1,2] with 1 example, [3,4] with 3 examples -> (1*[1,2] + 3*[3,4]) / 4 = [2.5, 3.5]
    return new RoundResults<>(List.of(
        new ClientResult<>(0, new FitResult(p(1, 2), 1, Map.of("loss", 1.0))),
        new ClientResult<>(1, new FitResult(p(3, 4), 3, Map.of("loss", 3.0)))), failures);
  }

  @ParameterizedTest(name = "{0} available * {1} with min {2} -> {3}")
  @CsvSource({
      // int(99 * 0.1) = int(9.9) = 9 -> max(9, 10) = 10
      "99, 0.1, 10, 10",
      // int(105 * 0.1) = int(10.500000000000002) = 10 -> max(10, 2) = 10
      "105, 0.1, 2, 10",
      // int(100 * 0.29) = int(28.999999999999996) = 28, as Python's int() truncates it too
      "100, 0.29, 2, 28",
      // int(10 * 0.3) = int(3.0000000000000004) = 3
      "10, 0.3, 1, 3",
      // int(5 * 0.1) = 0 -> max(0, 2) = 2
      "5, 0.1, 2, 2",
      // int(1000000 * 0.0001) = 100
      "1000000, 0.0001, 1, 100",
      "100, 1.0, 2, 100",
  })
  void sampleSizesAreFlowers(int available, double fraction, int min, int expected) {
    FedAvg fedAvg = FedAvg.builder().fractionFit(fraction).fractionEvaluate(fraction)
        .minFitClients(min).minEvaluateClients(min).minAvailableClients(7).build();

    assertThat(fedAvg.numFitClients(available)).containsExactly(expected, 7);
    assertThat(fedAvg.numEvaluationClients(available)).containsExactly(expected, 7);
  }

  @Test
  void fitAndEvaluateSizesUseTheirOwnKnobs() {
    FedAvg fedAvg = FedAvg.builder().fractionFit(0.5).fractionEvaluate(0.1)
        .minFitClients(3).minEvaluateClients(20).minAvailableClients(4).build();

    assertThat(fedAvg.numFitClients(100)).containsExactly(50, 4);
    assertThat(fedAvg.numEvaluationClients(100)).containsExactly(20, 4);
  }

  @Test
  void defaultsAreFlowers() {
    FedAvg fedAvg = FedAvg.builder().build();

    assertThat(fedAvg.fractionFit).isEqualTo(1.0);
    assertThat(fedAvg.fractionEvaluate).isEqualTo(1.0);
    assertThat(fedAvg.minFitClients).isEqualTo(2);
    assertThat(fedAvg.minEvaluateClients).isEqualTo(2);
    assertThat(fedAvg.minAvailableClients).isEqualTo(2);
    assertThat(fedAvg.acceptFailures()).isTrue();
    assertThat(fedAvg.initializeParameters()).isEmpty();
    assertThat(fedAvg.evaluate(1, p(1))).isEmpty();
    // all 10 of 10; one available client is below Flower's minimum of 2
    assertThat(fedAvg.numFitClients(10)).containsExactly(10, 2);
    assertThat(fedAvg.configureFit(1, p(1), new ClientManager(1, 1))).isEmpty();
  }

  @Test
  void fractionsOutsideTheUnitIntervalAreRefused() {
    assertThatThrownBy(() -> FedAvg.builder().fractionFit(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fractionFit");
    assertThatThrownBy(() -> FedAvg.builder().fractionEvaluate(1.5).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fractionEvaluate");
  }

  private static StrategySpec spec() {
    StrategySpec spec = new StrategySpec();
    spec.fractionFit = 0.1;
    spec.fractionEvaluate = 0.05;
    spec.minFitClients = 10;
    spec.minEvaluateClients = 2;
    spec.minAvailableClients = 50;
    spec.fitConfig.put("learningRate", "0.05");
    spec.evaluateConfig.put("batchSize", "64");
    return spec;
  }

  @Test
  void configureFitSamplesDistinctClientsWithTheFitConfigAndServerRound() {
    Strategy strategy = StrategyFactory.create(spec(), new TestingTask(), 99);

    List<ClientInstruction> fit = strategy.configureFit(3, p(0), new ClientManager(99, 42));

    // int(99 * 0.1) = 9 -> max(9, 10) = 10
    assertThat(fit).hasSize(10);
    assertThat(new HashSet<>(fit.stream().map(ClientInstruction::clientId).toList())).hasSize(10);
    assertThat(fit).allSatisfy(i -> {
      assertThat(i.clientId()).isBetween(0, 98);
      assertThat(i.config()).isEqualTo(Config.of(Map.of("learningRate", "0.05",
          ConfigKeys.SERVER_ROUND, 3)));
    });
  }

  @Test
  void configureEvaluateSamplesWithTheEvaluateConfigAndServerRound() {
    Strategy strategy = StrategyFactory.create(spec(), new TestingTask(), 105);

    List<ClientInstruction> evaluate = strategy.configureEvaluate(7, p(0),
        new ClientManager(105, 42));

    // int(105 * 0.05) = int(5.25) = 5 -> max(5, 2) = 5
    assertThat(evaluate).hasSize(5);
    assertThat(new HashSet<>(evaluate.stream().map(ClientInstruction::clientId).toList()))
        .hasSize(5);
    assertThat(evaluate).allSatisfy(i -> {
      assertThat(i.clientId()).isBetween(0, 104);
      assertThat(i.config().asMap()).containsExactlyInAnyOrderEntriesOf(
          Map.of("batchSize", "64", ConfigKeys.SERVER_ROUND, 7));
    });
  }

  @Test
  void configureFitSamplesNothingBelowMinAvailableClients() {
    Strategy strategy = StrategyFactory.create(spec(), new TestingTask(), 49);

    assertThat(strategy.configureFit(1, p(0), new ClientManager(49, 42))).isEmpty();
    assertThat(strategy.configureEvaluate(1, p(0), new ClientManager(49, 42))).isEmpty();
  }

  @Test
  void factoryLowersTheDefaultMinimumsToASingleClient() {
    Strategy one = StrategyFactory.create(new StrategySpec(), new TestingTask(), 1);
    Strategy many = StrategyFactory.create(new StrategySpec(), new TestingTask(), 10);

    assertThat(one.configureFit(1, p(0), new ClientManager(1, 1)))
        .extracting(ClientInstruction::clientId).containsExactly(0);
    assertThat(one.configureEvaluate(1, p(0), new ClientManager(1, 1)))
        .extracting(ClientInstruction::clientId).containsExactly(0);
    FedAvg fedAvg = (FedAvg) many;
    assertThat(fedAvg.minFitClients).isEqualTo(2);
    assertThat(fedAvg.minEvaluateClients).isEqualTo(2);
    assertThat(fedAvg.minAvailableClients).isEqualTo(2);
    assertThat(fedAvg.acceptFailures()).isTrue();
    assertThat(((FedAvg) one).minAvailableClients).isEqualTo(1);
  }

  @Test
  void factoryWiresTheTasksCentralizedEvaluation() {
    TestingTask task = new TestingTask().centralized((round, params) ->
        Optional.of(new EvaluateResult(round + params.values()[0], 5, Map.of())));
    Strategy strategy = StrategyFactory.create(new StrategySpec(), task, 10);

    assertThat(strategy.evaluate(2, p(0.5f))).map(EvaluateResult::loss).contains(2.5);
  }

  @Test
  void aggregateFitWeightsTheUpdatesAndTheirMetrics() {
    FitAggregate aggregate = FedAvg.builder().build().aggregateFit(1, fitResults(List.of()));

    assertThat(aggregate.parameters()).isPresent();
    assertThat(aggregate.parameters().get().values()).containsExactly(2.5f, 3.5f);
    // (1*1.0 + 3*3.0) / 4 = 2.5
    assertThat(aggregate.metrics().get("loss")).isCloseTo(2.5, within(1e-12));
  }

  @Test
  void aggregateFitOfTheUpdatesSumGivesWhatTheUpdatesGive() {
    FitAggregate fromSum = FedAvg.builder().build().aggregateFit(1,
        StrategyTesting.summed(fitResults(List.of())));

    assertThat(fromSum.parameters().orElseThrow().values())
        .containsExactly(new float[] {2.5f, 3.5f}, within(1e-6f));
    assertThat(fromSum.metrics().get("loss")).isCloseTo(2.5, within(1e-12));
    // a sum does not bypass acceptFailures
    assertThat(FedAvg.builder().acceptFailures(false).build().aggregateFit(1,
        StrategyTesting.summed(fitResults(List.of(failure(5, 1, ClientOperation.FIT)))))
        .parameters()).isEmpty();
  }

  @Test
  void aSumOfUpdatesWithoutExamplesIsRefusedAsTheUpdatesAre() {
    RoundResults<FitResult> noExamples = new RoundResults<>(List.of(
        new ClientResult<>(0, new FitResult(p(1, 2), 0, Map.of()))), List.of());

    assertThatThrownBy(() -> FedAvg.builder().build().aggregateFit(1, noExamples))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 examples");
    assertThatThrownBy(() -> FedAvg.builder().build().aggregateFit(1,
        StrategyTesting.summed(noExamples)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 examples");
  }

  @Test
  void aggregateFitWithFailuresAndAcceptFailuresFalseReturnsNoParameters() {
    FedAvg strict = FedAvg.builder().acceptFailures(false).build();

    FitAggregate aggregate = strict.aggregateFit(2,
        fitResults(List.of(failure(5, 2, ClientOperation.FIT))));

    assertThat(aggregate.parameters()).isEmpty();
    assertThat(aggregate.metrics()).isEmpty();
  }

  @Test
  void aggregateFitWithFailuresAndAcceptFailuresTrueAggregatesTheSuccesses() {
    FedAvg lenient = FedAvg.builder().acceptFailures(true).build();

    FitAggregate aggregate = lenient.aggregateFit(2,
        fitResults(List.of(failure(5, 2, ClientOperation.FIT))));

    assertThat(aggregate.parameters()).isPresent();
    assertThat(aggregate.parameters().get().values()).containsExactly(2.5f, 3.5f);
  }

  @Test
  void aggregateFitWithoutResultsReturnsNothing() {
    FitAggregate aggregate = FedAvg.builder().build().aggregateFit(1,
        new RoundResults<>(List.of(), List.of(failure(1, 1, ClientOperation.FIT))));

    assertThat(aggregate.parameters()).isEmpty();
    assertThat(FedAvg.builder().build().aggregateFit(1, new RoundResults<>(List.of(), List.of()))
        .parameters()).isEmpty();
  }

  @Test
  void aggregateFitUsesACustomMetricsAggregation() {
    FedAvg fedAvg = FedAvg.builder()
        .fitMetricsAggregation(metrics -> Map.of("clients", (double) metrics.size())).build();

    assertThat(fedAvg.aggregateFit(1, fitResults(List.of())).metrics())
        .containsExactly(Map.entry("clients", 2.0));
  }

  private static RoundResults<EvaluateResult> evaluateResults(List<ClientFailure> failures) {
    return new RoundResults<>(List.of(
        new ClientResult<>(0, new EvaluateResult(1.0, 1, Map.of("accuracy", 0.5))),
        new ClientResult<>(1, new EvaluateResult(3.0, 3, Map.of("accuracy", 1.0)))), failures);
  }

  @Test
  void aggregateEvaluateWeightsLossesAndMetricsByExamples() {
    EvaluateAggregate aggregate = FedAvg.builder().build().aggregateEvaluate(1,
        evaluateResults(List.of()));

    // loss (1*1.0 + 3*3.0) / 4 = 2.5; accuracy (1*0.5 + 3*1.0) / 4 = 0.875
    assertThat(aggregate.loss()).isPresent();
    assertThat(aggregate.loss().get()).isCloseTo(2.5, within(1e-12));
    assertThat(aggregate.metrics().get("accuracy")).isCloseTo(0.875, within(1e-12));
  }

  @Test
  void aggregateEvaluateWithFailures() {
    List<ClientFailure> failed = List.of(failure(9, 1, ClientOperation.EVALUATE));

    assertThat(FedAvg.builder().acceptFailures(false).build()
        .aggregateEvaluate(1, evaluateResults(failed)).loss()).isEmpty();
    assertThat(FedAvg.builder().acceptFailures(true).build()
        .aggregateEvaluate(1, evaluateResults(failed)).loss().orElseThrow())
        .isCloseTo(2.5, within(1e-12));
    assertThat(FedAvg.builder().build()
        .aggregateEvaluate(1, new RoundResults<>(List.of(), failed)).loss()).isEmpty();
  }
}
