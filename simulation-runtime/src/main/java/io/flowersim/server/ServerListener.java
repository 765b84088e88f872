package io.flowersim.server;

import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientOperation;
import io.flowersim.client.Parameters;

/** Follows a run as it happens: progress display, history file, history ConfigMap. */
public interface ServerListener {

  /** The round's {@code operation} starts with {@code sampled} clients. */
  default void phaseStarted(int round, ClientOperation operation, int sampled) {}

  /** One client of the current phase finished. */
  default void clientFinished(int round, ClientOperation operation, int clientId,
      boolean succeeded) {}

  /** A client failed; the failure carries its id, round and stack trace. */
  default void clientFailed(ClientFailure failure) {}

  /** A round completed and was appended to the history. */
  default void roundFinished(RoundRecord record, History history) {}

  /**
   * A round is over and did not end the run: {@code parameters} are the global ones the next
   * round starts from, and nothing of this round is still running. Where a checkpoint is written.
   */
  default void roundCompleted(int round, Parameters parameters, History history) {}

  ServerListener NONE = new ServerListener() {};

  /** Tells each of {@code listeners}, in order. */
  static ServerListener all(ServerListener... listeners) {
    java.util.List<ServerListener> list = java.util.List.of(listeners);
    return new ServerListener() {
      @Override
      public void phaseStarted(int round, ClientOperation operation, int sampled) {
        list.forEach(l -> l.phaseStarted(round, operation, sampled));
      }

      @Override
      public void clientFinished(int round, ClientOperation operation, int clientId,
          boolean succeeded) {
        list.forEach(l -> l.clientFinished(round, operation, clientId, succeeded));
      }

      @Override
      public void clientFailed(ClientFailure failure) {
        list.forEach(l -> l.clientFailed(failure));
      }

      @Override
      public void roundFinished(RoundRecord record, History history) {
        list.forEach(l -> l.roundFinished(record, history));
      }

      @Override
      public void roundCompleted(int round, Parameters parameters, History history) {
        list.forEach(l -> l.roundCompleted(round, parameters, history));
      }
    };
  }
}
