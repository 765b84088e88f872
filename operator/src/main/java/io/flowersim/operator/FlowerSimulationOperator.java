package io.flowersim.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.flowersim.operator.http.OperatorEndpoints;
import io.flowersim.operator.reconciler.FlowerSimulationReconciler;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator: one JOSDK controller for FlowerSimulation, its metrics in a Micrometer registry,
 * and an HTTP port with the probes and the metrics for Prometheus. Runs in the cluster (the Deployment in manifests/) or outside it on the
 * current kubeconfig (bin/flowersim-operator).
 */
public final class FlowerSimulationOperator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FlowerSimulationOperator.class);

  /** Port of /healthz, /readyz and /metrics; FLOWERSIM_HTTP_PORT, 0 for none. */
  public static final int DEFAULT_HTTP_PORT = 8081;

  private final Operator operator;
  private final MeterRegistry registry;

  /**
   * @param overrides further JOSDK settings (tests on Fabric8's mock server turn off server-side
   *     apply, which the mock does not support)
   */
  public FlowerSimulationOperator(KubernetesClient client, OperatorSettings settings,
      MeterRegistry registry, Consumer<ConfigurationServiceOverrider> overrides) {
    this.registry = registry;
    this.operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          // Per-controller meters only: per-resource ones would grow with the simulations.
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
      overrides.accept(o);
    });
    operator.register(new FlowerSimulationReconciler(settings), c -> {
      if (!settings.namespaces().isEmpty()) {
        c.settingNamespaces(settings.namespaces().toArray(String[]::new));
      }
    });
  }

  public FlowerSimulationOperator start() {
    operator.start();
    return this;
  }

  public boolean isHealthy() {
    return operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public boolean isStarted() {
    return operator.getRuntimeInfo().isStarted();
  }

  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    operator.stop();
  }

  public static void main(String[] args) throws Exception {
    OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    List<String> missing = RequiredApis.missing(client);
    if (!missing.isEmpty()) {
      missing.forEach(problem -> LOG.error("cannot start on {}: {}", client.getMasterUrl(),
          problem));
      client.close();
      System.exit(1);
    }
    int httpPort = Integer.parseInt(System.getenv()
        .getOrDefault("FLOWERSIM_HTTP_PORT", Integer.toString(DEFAULT_HTTP_PORT)));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FlowerSimulationOperator operator =
        new FlowerSimulationOperator(client, settings, registry, o -> {});
    OperatorEndpoints http = httpPort == 0 ? null
        : new OperatorEndpoints(httpPort, operator::isStarted,
            () -> operator.isStarted() && operator.isHealthy(), registry::scrape).start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      if (http != null) {
        http.close();
      }
      client.close();
    }, "flowersim-operator-shutdown"));
    LOG.info("flowersim operator on {} (namespaces: {}, runtime image {}){}",
        client.getMasterUrl(), settings.namespaces().isEmpty() ? "all" : settings.namespaces(),
        settings.runtimeImage(), http == null ? "" : ", probes and metrics on :" + http.port());
    operator.start();
  }
}
