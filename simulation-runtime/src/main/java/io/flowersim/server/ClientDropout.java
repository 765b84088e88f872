package io.flowersim.server;

import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientOperation;
import io.flowersim.engine.ClientGroups;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Client availability (spec.clients.dropoutRate): a sampled client fails to report with
 * probability {@code rate}, in fit and in evaluate alike. Each decision is drawn from the seed, the
 * round, the operation and the client id alone, so a seeded run drops the same clients every time,
 * whatever order the clients run in, on any backend. The server does not send a dropped client to
 * the engine and counts it as a failure with reason {@value #REASON}.
 */
public final class ClientDropout {

  /** The failure reason of a dropped client. */
  public static final String REASON = "dropped out (clients.dropoutRate)";

  /** Nobody drops out. */
  public static final ClientDropout NONE = new ClientDropout(0.0, 0L);

  private final double rate;
  private final long seed;
  private final ClientGroups groups;
  private final double[] groupRates;
  private final String describeRates;

  /**
   * @param rate the probability, in [0, 1), that a sampled client does not report
   * @param seed spec.seed
   */
  public ClientDropout(double rate, long seed) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
    }
    this.rate = rate;
    this.seed = seed;
    this.groups = null;
    this.groupRates = null;
    this.describeRates = "clients.dropoutRate " + rate;
  }

  private ClientDropout(ClientGroups groups, long seed) {
    this.groups = groups;
    this.seed = seed;
    this.groupRates = groups.groups().stream().mapToDouble(ClientGroups.Group::dropoutRate)
        .toArray();
    this.describeRates = groups.groups().stream()
        .map(g -> g.name() + " " + g.dropoutRate())
        .collect(java.util.stream.Collectors.joining(", ", "clients.groups' dropoutRate: ", ""));
    this.rate = java.util.Arrays.stream(groupRates).max().orElse(0);
  }

  /**
   * Each client drops out at its group's rate (spec.clients.groups[].dropoutRate, default
   * spec.clients.dropoutRate); a client draws the same number in either case, so a group with the
   * simulation's rate drops the clients it would drop without groups.
   */
  public static ClientDropout of(ClientGroups groups, long seed) {
    if (!groups.declared()) {
      return new ClientDropout(groups.groups().get(0).dropoutRate(), seed);
    }
    return new ClientDropout(groups, seed);
  }

  /** The highest rate of any client. */
  public double rate() {
    return rate;
  }

  /** Whether {@code clientId} drops out of {@code operation} in {@code round}. */
  public boolean dropsOut(int round, ClientOperation operation, int clientId) {
    double its = groups == null ? rate : groupRates[groups.indexOf(clientId)];
    if (its == 0.0) {
      return false;
    }
    long key = mix(mix(mix(seed ^ 0x5DEECE66DL, round), operation.ordinal()), clientId);
    return new SplittableRandom(key).nextDouble() < its;
  }

  /** The instructions split into those that report and the failures of those that drop out. */
  public Split split(int round, ClientOperation operation, List<ClientInstruction> instructions) {
    if (rate == 0.0) {
      return new Split(instructions, List.of());
    }
    List<ClientInstruction> reporting = new ArrayList<>(instructions.size());
    List<ClientFailure> dropped = new ArrayList<>();
    for (ClientInstruction instruction : instructions) {
      if (dropsOut(round, operation, instruction.clientId())) {
        dropped.add(new ClientFailure(instruction.clientId(), round, operation, REASON, ""));
      } else {
        reporting.add(instruction);
      }
    }
    return new Split(reporting, dropped);
  }

  /** Which sampled clients report, and the failures of those that dropped out. */
  public record Split(List<ClientInstruction> reporting, List<ClientFailure> dropped) {
    public Split {
      reporting = List.copyOf(reporting);
      dropped = List.copyOf(dropped);
    }
  }

  /** SplitMix64's finalizer over {@code h + v}: a well-spread key from several small numbers. */
  private static long mix(long h, long v) {
    long z = h + v * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public String toString() {
    return describeRates;
  }
}
