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

  /**
   * Client-side differential privacy: the L2 norm to which the client clips its update before
   * returning it (Flower's KEY_CLIPPING_NORM).
   */
  public static final String CLIPPING_NORM = "clipping_norm";

  /**
   * Client-side adaptive clipping: asks the client to report {@link #NORM_BIT} (Flower's
   * adaptiveclipping_mod always does; here the one wrapper serves both clippings).
   */
  public static final String REPORT_NORM_BIT = "flowersim_report_norm_bit";

  /** The fit metric that says the update was not clipped: 1, else 0 (Flower's KEY_NORM_BIT). */
  public static final String NORM_BIT = "norm_bit";

  private ConfigKeys() {}
}
