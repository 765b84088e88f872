package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where the updates are clipped: on the server before it aggregates (Flower's ServerSide*
 * wrappers), or on each client before its update leaves it (ClientSide*, with Flower's clipping
 * mods on the client), so that the server never sees an unclipped update.
 */
public enum DifferentialPrivacySide {
  @JsonProperty("server")
  SERVER,
  @JsonProperty("client")
  CLIENT
}
