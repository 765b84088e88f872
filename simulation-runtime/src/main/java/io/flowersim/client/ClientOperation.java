package io.flowersim.client;

/** The two things the server asks of a client. */
public enum ClientOperation {
  FIT("fit"),
  EVALUATE("evaluate");

  private final String label;

  ClientOperation(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
