package dev.reprise.master.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Objects;

/**
 * Serves one registry at {@code http://BIND:PORT/metrics} in the Prometheus text format (the
 * official client's {@link HTTPServer}, on daemon threads of its own), for {@code master run
 * --metrics-port P [--metrics-bind ADDR]}. Binds to the loopback address unless told otherwise: the
 * figures name hosts and services, and a master usually runs next to the Prometheus that scrapes it.
 * Port 0 takes an ephemeral port; {@link #port()} says which.
 */
public final class MetricsServer implements AutoCloseable {

  /** The default bind address. */
  public static final String LOOPBACK = "127.0.0.1";

  private final HTTPServer server;
  private final String bind;

  private MetricsServer(HTTPServer server, String bind) {
    this.server = server;
    this.bind = bind;
  }

  /**
   * Starts serving {@code registry}.
   *
   * @param bind the address to listen on (an IP or a name); null: {@link #LOOPBACK}
   * @param port 0..65535, 0 for an ephemeral port
   * @throws IOException when the address cannot be bound; the message names address and port
   */
  public static MetricsServer start(PrometheusRegistry registry, String bind, int port) throws IOException {
    Objects.requireNonNull(registry, "registry");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("--metrics-port must be in 0..65535, got " + port);
    String address = bind == null || bind.isBlank() ? LOOPBACK : bind.trim();
    try {
      var server = HTTPServer.builder().inetAddress(InetAddress.getByName(address)).port(port).registry(registry)
          .buildAndStart();
      return new MetricsServer(server, address);
    } catch (IOException e) {
      throw new IOException("cannot serve metrics on " + address + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** The port actually listened on (the ephemeral one when started with 0). */
  public int port() {
    return server.getPort();
  }

  /** The metrics URL, e.g. {@code http://127.0.0.1:9464/metrics} (an IPv6 bind in brackets). */
  public String url() {
    String host = bind.contains(":") ? "[" + bind + "]" : bind;
    return "http://" + host + ":" + port() + "/metrics";
  }

  /** Stops listening; idempotent. */
  @Override
  public void close() {
    server.close();
  }
}
