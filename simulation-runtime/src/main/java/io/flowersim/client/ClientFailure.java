package io.flowersim.client;

/**
 * A sampled client that did not deliver: it threw, timed out or its worker died. Carries enough
 * for the user to find the cause without re-running: who, when, what, and the stack trace.
 */
public record ClientFailure(int clientId, int round, ClientOperation operation, String reason,
    String stackTrace) {

  /** One line: "client 17, round 3, fit: IllegalStateException: boom". */
  public String summary() {
    return "client " + clientId + ", round " + round + ", " + operation.label() + ": " + reason;
  }

  public static ClientFailure of(int clientId, int round, ClientOperation operation, Throwable error) {
    java.io.StringWriter trace = new java.io.StringWriter();
    error.printStackTrace(new java.io.PrintWriter(trace));
    String message = error.getMessage();
    String reason = error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    return new ClientFailure(clientId, round, operation, reason, trace.toString());
  }
}
