package io.flowersim.engine;

/** Told as each client call of a round ends, in completion order; for progress display. */
@FunctionalInterface
public interface ClientListener {

  void clientFinished(int clientId, boolean succeeded);

  ClientListener NONE = (clientId, succeeded) -> {};
}
