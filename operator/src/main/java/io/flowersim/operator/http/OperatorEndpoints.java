package io.flowersim.operator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operator's HTTP port: /healthz and /readyz for the Deployment's probes, /metrics for
 * Prometheus (the chart's metrics Service). JOSDK has no HTTP endpoint of its own; the JDK's small
 * HTTP server avoids a web framework for three read-only paths.
 */
public final class OperatorEndpoints implements AutoCloseable {

  /** Prometheus' text exposition format. */
  static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;

  /**
   * @param alive whether the operator is still working (liveness)
   * @param ready whether its informers are synced and healthy (readiness)
   * @param metrics the registry's scrape in Prometheus' text format
   */
  public OperatorEndpoints(int port, BooleanSupplier alive, BooleanSupplier ready,
      Supplier<String> metrics) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", exchange -> probe(exchange, alive.getAsBoolean()));
    server.createContext("/readyz", exchange -> probe(exchange, ready.getAsBoolean()));
    server.createContext("/metrics", exchange ->
        send(exchange, 200, METRICS_CONTENT_TYPE, metrics.get()));
  }

  public OperatorEndpoints start() {
    server.start();
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void probe(HttpExchange exchange, boolean ok) throws IOException {
    send(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ok\n");
  }

  private static void send(HttpExchange exchange, int code, String contentType, String text)
      throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
