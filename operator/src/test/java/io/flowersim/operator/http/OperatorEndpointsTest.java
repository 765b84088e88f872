package io.flowersim.operator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OperatorEndpointsTest {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(OperatorEndpoints endpoints, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + endpoints.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void probesFollowTheOperatorAndMetricsAreThePrometheusScrape() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Timer.builder("operator.sdk.reconciliations.execution").tag("controller", "fsim")
        .register(registry).record(Duration.ofMillis(7));
    try (OperatorEndpoints endpoints =
        new OperatorEndpoints(0, () -> true, ready::get, registry::scrape).start()) {
      assertThat(get(endpoints, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(endpoints, "/readyz").statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(get(endpoints, "/readyz").statusCode()).isEqualTo(200);

      HttpResponse<String> metrics = get(endpoints, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValue(
          OperatorEndpoints.METRICS_CONTENT_TYPE);
      assertThat(metrics.body())
          .contains("operator_sdk_reconciliations_execution_seconds_count{controller=\"fsim\"} 1");
    }
  }
}
