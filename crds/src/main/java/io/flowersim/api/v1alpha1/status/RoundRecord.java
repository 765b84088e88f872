package io.flowersim.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One federated round, as history.json, the history ConfigMap and status.rounds all record it.
 * Losses are null when that kind of evaluation did not run in the round.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"round", "fitClients", "fitFailures", "evaluateClients", "evaluateFailures",
    "distributedLoss", "distributedMetrics", "centralizedLoss", "centralizedMetrics",
    "durationSeconds", "fitClientsByNode", "groups", "nonFinite"})
public class RoundRecord {

  @JsonPropertyDescription("Round number, from 1.")
  public int round;

  @JsonPropertyDescription("Clients that returned a fit result.")
  public int fitClients;

  @JsonPropertyDescription("Sampled clients whose fit failed or timed out.")
  public int fitFailures;

  @JsonPropertyDescription("Clients that returned an evaluation.")
  public int evaluateClients;

  @JsonPropertyDescription("Sampled clients whose evaluation failed or timed out.")
  public int evaluateFailures;

  @JsonPropertyDescription("Example-weighted mean of the clients' evaluation losses.")
  public Double distributedLoss;

  @JsonPropertyDescription("Aggregated client metrics (fit metrics prefixed fit_).")
  public Map<String, Double> distributedMetrics = new LinkedHashMap<>();

  @JsonPropertyDescription("Loss of the server-side evaluation of the global model.")
  public Double centralizedLoss;

  @JsonPropertyDescription("Metrics of the server-side evaluation, e.g. accuracy.")
  public Map<String, Double> centralizedMetrics = new LinkedHashMap<>();

  @JsonPropertyDescription("Wall time of the round in seconds.")
  public double durationSeconds;

  @JsonPropertyDescription("Which clients trained on which node (Ray node id to client ids); empty "
      + "on backends without nodes.")
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public Map<String, List<Integer>> fitClientsByNode = new LinkedHashMap<>();

  @JsonPropertyDescription("Per client group (spec.clients.groups), in their order: how many of "
      + "its clients were sampled, succeeded and failed; empty without groups.")
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public List<GroupRound> groups = new ArrayList<>();

  /** One client group's part of a round. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"name", "fitSampled", "fitClients", "fitFailures", "evaluateSampled",
      "evaluateClients", "evaluateFailures"})
  public static class GroupRound {

    @JsonPropertyDescription("The group's name.")
    public String name;

    @JsonPropertyDescription("Its clients sampled for fit (fitClients + fitFailures).")
    public int fitSampled;

    @JsonPropertyDescription("Its clients that returned a fit result.")
    public int fitClients;

    @JsonPropertyDescription("Its sampled clients whose fit failed, timed out or dropped out.")
    public int fitFailures;

    @JsonPropertyDescription("Its clients sampled for evaluation.")
    public int evaluateSampled;

    @JsonPropertyDescription("Its clients that returned an evaluation.")
    public int evaluateClients;

    @JsonPropertyDescription("Its sampled clients whose evaluation failed, timed out or dropped "
        + "out.")
    public int evaluateFailures;

    public GroupRound() {}

    public GroupRound(String name) {
      this.name = name;
    }

    /** Counts a phase's clients of this group: those that reported and those that failed. */
    public void add(boolean fit, int reported, int failed) {
      if (fit) {
        fitClients += reported;
        fitFailures += failed;
        fitSampled += reported + failed;
      } else {
        evaluateClients += reported;
        evaluateFailures += failed;
        evaluateSampled += reported + failed;
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof GroupRound g && Objects.equals(name, g.name)
          && fitSampled == g.fitSampled && fitClients == g.fitClients
          && fitFailures == g.fitFailures && evaluateSampled == g.evaluateSampled
          && evaluateClients == g.evaluateClients && evaluateFailures == g.evaluateFailures;
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, fitSampled, fitClients, fitFailures, evaluateSampled,
          evaluateClients, evaluateFailures);
    }

    @Override
    public String toString() {
      return name + ": fit " + fitClients + "/" + fitSampled + ", evaluate " + evaluateClients
          + "/" + evaluateSampled;
    }
  }

  @JsonPropertyDescription("Losses and metrics of the round that were NaN or infinite (a diverged "
      + "model): field to \"NaN\", \"Infinity\" or \"-Infinity\"; the field itself is left "
      + "out.")
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public Map<String, String> nonFinite = new LinkedHashMap<>();

  /**
   * Moves every loss and metric that is NaN or infinite into {@link #nonFinite}, so the record is
   * valid JSON with typed numbers (history.json, the ConfigMap, status.rounds).
   */
  public RoundRecord keepFinite() {
    distributedLoss = NonFiniteValues.finite("distributedLoss", distributedLoss, nonFinite);
    centralizedLoss = NonFiniteValues.finite("centralizedLoss", centralizedLoss, nonFinite);
    NonFiniteValues.removeFrom("distributedMetrics", distributedMetrics, nonFinite);
    NonFiniteValues.removeFrom("centralizedMetrics", centralizedMetrics, nonFinite);
    return this;
  }

  /** "centralizedLoss is NaN" when a loss of this round was not finite (after keepFinite). */
  public Optional<String> divergedLoss() {
    for (String loss : List.of("centralizedLoss", "distributedLoss")) {
      if (nonFinite.containsKey(loss)) {
        return Optional.of(loss + " is " + nonFinite.get(loss));
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof RoundRecord r)) {
      return false;
    }
    return round == r.round && fitClients == r.fitClients && fitFailures == r.fitFailures
        && evaluateClients == r.evaluateClients && evaluateFailures == r.evaluateFailures
        && Objects.equals(distributedLoss, r.distributedLoss)
        && Objects.equals(distributedMetrics, r.distributedMetrics)
        && Objects.equals(centralizedLoss, r.centralizedLoss)
        && Objects.equals(centralizedMetrics, r.centralizedMetrics)
        && Double.compare(durationSeconds, r.durationSeconds) == 0
        && Objects.equals(fitClientsByNode, r.fitClientsByNode)
        && Objects.equals(groups, r.groups)
        && Objects.equals(nonFinite, r.nonFinite);
  }

  @Override
  public int hashCode() {
    return Objects.hash(round, fitClients, fitFailures, evaluateClients, evaluateFailures,
        distributedLoss, distributedMetrics, centralizedLoss, centralizedMetrics, durationSeconds,
        fitClientsByNode, groups, nonFinite);
  }

  @Override
  public String toString() {
    return "RoundRecord{round=" + round + ", fit=" + fitClients + "/" + fitFailures + " failed"
        + ", evaluate=" + evaluateClients + "/" + evaluateFailures + " failed"
        + ", distributedLoss=" + distributedLoss + ", centralizedLoss=" + centralizedLoss
        + ", centralizedMetrics=" + centralizedMetrics + "}";
  }
}
