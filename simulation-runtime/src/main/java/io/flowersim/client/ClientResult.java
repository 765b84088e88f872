package io.flowersim.client;

/**
 * A client's successful answer to one call, and the node it ran on (null where the backend has no
 * nodes, as the local one).
 */
public record ClientResult<R>(int clientId, R result, String node) {

  public ClientResult(int clientId, R result) {
    this(clientId, result, null);
  }
}
