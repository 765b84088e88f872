package io.flowersim.engine;

/** A single client needs more than the engine has; refused before the first round. */
public class InsufficientResourcesException extends RuntimeException {
  private final String field;

  public InsufficientResourcesException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /** The spec field at fault, e.g. spec.clients.resources.gpus. */
  public String field() {
    return field;
  }
}
