package io.flowersim.engine;

import io.flowersim.api.v1alpha1.spec.ClientGroupSpec;
import io.flowersim.api.v1alpha1.spec.ClientResources;
import io.flowersim.api.v1alpha1.spec.ClientsSpec;
import io.flowersim.client.ClientInstruction;
import java.util.ArrayList;
import java.util.List;

/**
 * The client population cut into groups (spec.clients.groups): group i holds the consecutive
 * client ids after those of the groups before it. Without groups it is one group of every client,
 * with spec.clients' resources and drop-out rate, so every part of the runtime asks it alike.
 */
public final class ClientGroups {

  /**
   * One group: its clients are ids {@code first} to {@code first + count - 1}; {@code index} is
   * its place in spec.clients.groups.
   */
  public record Group(int index, String name, int first, int count, ClientResources resources,
      double dropoutRate, String workerGroup) {

    public boolean contains(int clientId) {
      return clientId >= first && clientId < first + count;
    }
  }

  private final List<Group> groups;
  private final boolean declared;

  private ClientGroups(List<Group> groups, boolean declared) {
    this.groups = List.copyOf(groups);
    this.declared = declared;
  }

  /** The groups of a validated spec.clients; a group's unset fields are spec.clients'. */
  public static ClientGroups of(ClientsSpec clients) {
    if (clients.groups == null || clients.groups.isEmpty()) {
      return new ClientGroups(List.of(new Group(0, "all", 0, clients.count,
          clients.resourcesOrDefault(), clients.dropoutRateOrDefault(), null)), false);
    }
    List<Group> groups = new ArrayList<>();
    int first = 0;
    for (ClientGroupSpec g : clients.groups) {
      groups.add(new Group(groups.size(), g.name, first, g.count,
          g.resources != null ? g.resources : clients.resourcesOrDefault(),
          g.dropoutRate != null ? g.dropoutRate : clients.dropoutRateOrDefault(), g.workerGroup));
      first += g.count;
    }
    if (first != clients.count) {
      throw new IllegalArgumentException("spec.clients.groups: the groups' counts add up to "
          + first + ", not spec.clients.count " + clients.count);
    }
    return new ClientGroups(groups, true);
  }

  /** Whether the spec declares groups (round records then count per group). */
  public boolean declared() {
    return declared;
  }

  public List<Group> groups() {
    return groups;
  }

  public int size() {
    return groups.size();
  }

  /** The index of the group that holds {@code clientId}. */
  public int indexOf(int clientId) {
    int lo = 0;
    int hi = groups.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (groups.get(mid).first() <= clientId) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    if (!groups.get(lo).contains(clientId)) {
      throw new IllegalArgumentException("client " + clientId + " is in no group");
    }
    return lo;
  }

  public Group of(int clientId) {
    return groups.get(indexOf(clientId));
  }

  /** {@code instructions} by group index, each in the order given. */
  public List<List<ClientInstruction>> split(List<ClientInstruction> instructions) {
    List<List<ClientInstruction>> byGroup = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      byGroup.add(new ArrayList<>());
    }
    for (ClientInstruction i : instructions) {
      byGroup.get(indexOf(i.clientId())).add(i);
    }
    return byGroup;
  }
}
