package io.flowersim.server;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Losses and metrics per round, Flower's History in the record form of history.json and of the
 * resource's status.rounds. {@code initial} is the centralized evaluation of the starting model
 * (Flower's round 0), present when the task has a central test set.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"simulation", "initial", "rounds"})
public class History {

  /** Centralized evaluation of the initial parameters. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class InitialEvaluation {
    public Double centralizedLoss;
    public Map<String, Double> centralizedMetrics = new LinkedHashMap<>();
    /** As RoundRecord.nonFinite: what was NaN or infinite, left out above. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public Map<String, String> nonFinite = new LinkedHashMap<>();
  }

  public String simulation;
  public InitialEvaluation initial;
  public List<RoundRecord> rounds = new ArrayList<>();

  public History() {}

  public History(String simulation) {
    this.simulation = simulation;
  }

  public synchronized void add(RoundRecord record) {
    rounds.add(record);
  }

  public synchronized List<RoundRecord> rounds() {
    return List.copyOf(rounds);
  }

  @JsonIgnore
  public synchronized Optional<RoundRecord> last() {
    return rounds.isEmpty() ? Optional.empty() : Optional.of(rounds.get(rounds.size() - 1));
  }

  /** (round, loss) of the clients' evaluations, as Flower's losses_distributed. */
  @JsonIgnore
  public synchronized List<double[]> lossesDistributed() {
    return rounds.stream().filter(r -> r.distributedLoss != null)
        .map(r -> new double[] {r.round, r.distributedLoss}).toList();
  }

  /** (round, loss) of the server's evaluations, from round 0, as Flower's losses_centralized. */
  @JsonIgnore
  public synchronized List<double[]> lossesCentralized() {
    List<double[]> out = new ArrayList<>();
    if (initial != null && initial.centralizedLoss != null) {
      out.add(new double[] {0, initial.centralizedLoss});
    }
    rounds.stream().filter(r -> r.centralizedLoss != null)
        .forEach(r -> out.add(new double[] {r.round, r.centralizedLoss}));
    return out;
  }

  /** (round, value) of one centralized metric, from round 0. */
  @JsonIgnore
  public synchronized List<double[]> metricCentralized(String key) {
    List<double[]> out = new ArrayList<>();
    if (initial != null && initial.centralizedMetrics.containsKey(key)) {
      out.add(new double[] {0, initial.centralizedMetrics.get(key)});
    }
    rounds.stream().filter(r -> r.centralizedMetrics.containsKey(key))
        .forEach(r -> out.add(new double[] {r.round, r.centralizedMetrics.get(key)}));
    return out;
  }

  /** (round, value) of one aggregated client metric. */
  @JsonIgnore
  public synchronized List<double[]> metricDistributed(String key) {
    return rounds.stream().filter(r -> r.distributedMetrics.containsKey(key))
        .map(r -> new double[] {r.round, r.distributedMetrics.get(key)}).toList();
  }
}
