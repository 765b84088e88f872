package io.flowersim.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.flowersim.api.kuberay.RayJob;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names of what the operator makes for a simulation. Deterministic, so that a restarted operator
 * finds what it made: a name that would be too long (or not a DNS label where one is needed) is
 * cut and given a hash of the simulation's name, which keeps two long names apart.
 */
public final class ResourceNames {

  /** ConfigMaps, ServiceAccounts, Roles, NetworkPolicies: DNS-1123 subdomains. */
  static final int OBJECT_NAME_MAX_LENGTH = 253;

  private static final int HASH_LENGTH = 8;
  static final int LABEL_VALUE_MAX_LENGTH = 63;

  private final String simulation;

  public ResourceNames(HasMetadata simulation) {
    this(simulation.getMetadata().getName());
  }

  public ResourceNames(String simulation) {
    this.simulation = simulation;
  }

  /**
   * The RayJob: at most {@value RayJob#NAME_MAX_LENGTH} characters, a DNS-1035 label (KubeRay
   * names a Service after it), so '.' becomes '-' and a leading digit gets a letter.
   */
  public String rayJob() {
    String label = simulation.replace('.', '-');
    if (!Character.isLetter(label.charAt(0))) {
      label = "fs-" + label;
    }
    if (label.equals(simulation) && label.length() <= RayJob.NAME_MAX_LENGTH) {
      return label;
    }
    return shortened(label, "", RayJob.NAME_MAX_LENGTH);
  }

  /**
   * The value of {@link ManagedLabels#SIMULATION} on the simulation's pods: its name, cut with a
   * hash past a label value's {@value #LABEL_VALUE_MAX_LENGTH} characters (a name may have 253).
   */
  public String podLabel() {
    if (simulation.length() <= LABEL_VALUE_MAX_LENGTH) {
      return simulation;
    }
    return shortened(simulation, "", LABEL_VALUE_MAX_LENGTH);
  }

  /** The history ConfigMap, {@code <name>-history}. */
  public String historyConfigMap() {
    return withSuffix("-history");
  }

  /** ServiceAccount, Role and RoleBinding of the runtime, {@code <name>-runtime}. */
  public String runtime() {
    return withSuffix("-runtime");
  }

  /** The NetworkPolicy around the simulation's Ray pods, {@code <name>-ray}. */
  public String networkPolicy() {
    return withSuffix("-ray");
  }

  private String withSuffix(String suffix) {
    if (simulation.length() + suffix.length() <= OBJECT_NAME_MAX_LENGTH) {
      return simulation + suffix;
    }
    return shortened(simulation, suffix, OBJECT_NAME_MAX_LENGTH);
  }

  /** {@code base} cut so that base + "-" + hash + suffix fits in {@code max}. */
  private String shortened(String base, String suffix, int max) {
    String hash = hash(simulation);
    int keep = max - suffix.length() - HASH_LENGTH - 1;
    String head = base.substring(0, Math.min(keep, base.length()));
    // A cut may end on '-' or '.'; the hash after the dash keeps the name well-formed.
    while (head.endsWith("-") || head.endsWith(".")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + "-" + hash + suffix;
  }

  private static String hash(String value) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
