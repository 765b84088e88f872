package io.flowersim.engine;

/**
 * A Ray cluster's GCS address, HOST:PORT, or "auto" (the cluster this node belongs to): checked
 * here once for the CLI's --ray-address and the Ray backend's connection probe.
 *
 * @param port 1-65535; 0 for auto
 */
public record RayAddress(String host, int port) {

  public static final String AUTO = "auto";

  /** {@code value} trimmed; refused with what is expected and what was given. */
  public static RayAddress parse(String value) {
    String v = value == null ? "" : value.trim();
    if (v.equals(AUTO)) {
      return new RayAddress(AUTO, 0);
    }
    int colon = v.lastIndexOf(':');
    if (colon > 0 && colon < v.length() - 1) {
      try {
        int port = Integer.parseInt(v.substring(colon + 1));
        if (port > 0 && port < 65536) {
          return new RayAddress(v.substring(0, colon), port);
        }
      } catch (NumberFormatException e) {
        // refused below
      }
    }
    throw new IllegalArgumentException("expected HOST:PORT (port 1-65535) or auto, got \""
        + value + "\"");
  }

  public boolean isAuto() {
    return port == 0;
  }

  @Override
  public String toString() {
    return isAuto() ? AUTO : host + ":" + port;
  }
}
