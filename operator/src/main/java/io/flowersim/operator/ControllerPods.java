package io.flowersim.operator;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pods of the controllers that must reach a simulation's Ray pods, which its NetworkPolicy
 * admits besides the simulation's own pods: KubeRay's operator (it follows the job through the
 * head's dashboard) and the flowersim operator. Each is pinned to its namespace: a label alone
 * could be put on any pod by anyone who may create pods.
 *
 * @param kubeRay KubeRay's operator
 * @param flowersim this operator
 */
public record ControllerPods(Pods kubeRay, Pods flowersim) {

  /**
   * Where KubeRay's own Helm chart and its kustomize manifests install it when no namespace is
   * given.
   */
  public static final String DEFAULT_KUBERAY_NAMESPACE = "default";
  /** The label both of KubeRay's installs put on the operator's pods. */
  public static final String DEFAULT_KUBERAY_POD_LABELS =
      "app.kubernetes.io/component=kuberay-operator";
  /** manifests/operator/ and the chart's default release namespace. */
  public static final String DEFAULT_OPERATOR_NAMESPACE = "flowersim-system";
  /** On the operator's pods in manifests/operator/ and the chart. */
  public static final String DEFAULT_OPERATOR_POD_LABELS =
      "app.kubernetes.io/name=flowersim-operator";

  /**
   * Pods by namespace and labels.
   *
   * @param namespace the namespace's name (its kubernetes.io/metadata.name label)
   * @param labels labels every such pod carries
   */
  public record Pods(String namespace, Map<String, String> labels) {

    public Pods {
      labels = Map.copyOf(labels);
    }
  }

  /**
   * FLOWERSIM_KUBERAY_NAMESPACE, FLOWERSIM_KUBERAY_POD_LABELS, FLOWERSIM_OPERATOR_NAMESPACE,
   * FLOWERSIM_OPERATOR_POD_LABELS (labels as k=v,k=v).
   */
  static ControllerPods fromEnvironment(Map<String, String> env) {
    return new ControllerPods(
        pods(env, "FLOWERSIM_KUBERAY_NAMESPACE", DEFAULT_KUBERAY_NAMESPACE,
            "FLOWERSIM_KUBERAY_POD_LABELS", DEFAULT_KUBERAY_POD_LABELS),
        pods(env, "FLOWERSIM_OPERATOR_NAMESPACE", DEFAULT_OPERATOR_NAMESPACE,
            "FLOWERSIM_OPERATOR_POD_LABELS", DEFAULT_OPERATOR_POD_LABELS));
  }

  public static ControllerPods defaults() {
    return fromEnvironment(Map.of());
  }

  private static Pods pods(Map<String, String> env, String namespaceVariable,
      String defaultNamespace, String labelsVariable, String defaultLabels) {
    String namespace = orDefault(env, namespaceVariable, defaultNamespace);
    return new Pods(namespace, labels(labelsVariable, orDefault(env, labelsVariable,
        defaultLabels)));
  }

  private static String orDefault(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  /** "k=v,k2=v2"; at least one, since no labels would select every pod of the namespace. */
  static Map<String, String> labels(String variable, String text) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String item : Arrays.stream(text.split(",")).map(String::strip)
        .filter(s -> !s.isEmpty()).toList()) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(variable + ": expected labels as key=value[,key=value],"
            + " got \"" + text + "\"");
      }
      labels.put(item.substring(0, eq).strip(), item.substring(eq + 1).strip());
    }
    if (labels.isEmpty()) {
      throw new IllegalArgumentException(variable + ": expected labels as key=value[,key=value],"
          + " got \"" + text + "\"");
    }
    return labels;
  }
}
