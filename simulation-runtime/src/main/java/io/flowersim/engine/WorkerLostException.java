package io.flowersim.engine;

/**
 * A worker gave no answer for its batch: its process died, was killed, or could not set the task
 * up again. Every client of the batch fails with this message and the worker is replaced.
 */
public final class WorkerLostException extends Exception {

  public WorkerLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
