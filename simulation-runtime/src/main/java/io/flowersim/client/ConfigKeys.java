package io.flowersim.client;

/**
 * Config keys the server sets in what it sends clients, with Flower's names: tasks read them
 * without knowing which strategy set them.
 */
public final class ConfigKeys {

  /** The round of a fit or evaluate, in every config. */
  public static final String SERVER_ROUND = "server_round";

  /** FedProx's mu, the weight of the proximal term (mu/2)||w - w_global||^2 in a fit's loss. */
  public static final String PROXIMAL_MU = "proximal_mu";

  private ConfigKeys() {}
}
