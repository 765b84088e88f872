package io.flowersim.engine;

import io.flowersim.client.ClientState;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps each client's {@link ClientState} between its ephemeral instances. Only clients that wrote
 * something are kept, so memory follows the clients with state, not the population. A checkpoint
 * holds a {@link #snapshot()} of it, taken between rounds, and a resumed run starts from {@link
 * #restore(Map)}.
 */
public final class ClientStateStore {

  private final Map<Integer, ClientState> states = new ConcurrentHashMap<>();

  /** The client's state, or a fresh empty one that is kept only if the client writes to it. */
  public ClientState checkout(int clientId) {
    ClientState existing = states.get(clientId);
    return existing != null ? existing : new ClientState();
  }

  /** Called after the client's call: keeps a state that became non-empty, drops an emptied one. */
  public void checkin(int clientId, ClientState state) {
    if (state.isEmpty()) {
      states.remove(clientId);
    } else {
      states.put(clientId, state);
    }
  }

  public int clientsWithState() {
    return states.size();
  }

  /** Each client that has state, by id in ascending order: what a checkpoint keeps. */
  public Map<Integer, Map<String, Object>> snapshot() {
    Map<Integer, Map<String, Object>> out = new TreeMap<>();
    states.forEach((id, state) -> out.put(id, Map.copyOf(state.asMap())));
    return out;
  }

  /** Replaces every client's state with a checkpoint's {@link #snapshot()}. */
  public void restore(Map<Integer, ? extends Map<String, ?>> snapshot) {
    states.clear();
    snapshot.forEach((id, values) -> checkin(id, new ClientState(
        new java.util.HashMap<String, Object>(values))));
  }
}
