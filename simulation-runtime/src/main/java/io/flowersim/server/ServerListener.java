package io.flowersim.server;

import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientOperation;

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

  ServerListener NONE = new ServerListener() {};
}
