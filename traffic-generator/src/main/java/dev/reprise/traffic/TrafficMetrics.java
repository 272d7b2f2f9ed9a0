package dev.reprise.traffic;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The per-second figures as Prometheus metrics ({@code --metrics-port}): fed the same numbers as each
 * {@link IntervalReport} line, served at {@code http://BIND:PORT/metrics} by the official client's
 * HTTP server on a registry of its own. Series (no run label: Prometheus adds its {@code instance}):
 *
 * <ul>
 *   <li>{@code reprise_workload_ops_total{kind=read|write, outcome=ok|failed}} — operations completed;
 *   <li>{@code reprise_workload_errors_total{error=timeout|unavailable|no_host|other}} — failed ones by kind;
 *   <li>{@code reprise_workload_p50_milliseconds}, {@code _p95_}, {@code _p99_}, {@code reprise_workload_max_milliseconds}
 *       — latency of the last interval's successful operations (from intended start); absent when
 *       none succeeded in it;
 *   <li>{@code reprise_workload_in_flight}, {@code reprise_workload_open_connections},
 *       {@code reprise_workload_behind_milliseconds} — at the end of the last interval.
 * </ul>
 *
 * <p>Thread-safety: {@link #record} from the reporting thread, scrapes from the server's threads,
 * both under this object's lock.
 */
public final class TrafficMetrics implements AutoCloseable {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Map<OpKind, long[]> ops = new EnumMap<>(OpKind.class);
  private final Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
  private IntervalReport last;
  private HTTPServer server;

  public TrafficMetrics() {
    for (OpKind k : OpKind.values()) ops.put(k, new long[2]);
    for (ErrorKind k : ErrorKind.values()) errors.put(k, 0L);
    CounterWithCallback.builder().name("reprise_workload_ops_total")
        .help("Operations completed, by kind and outcome")
        .labelNames("kind", "outcome")
        .callback(cb -> {
          synchronized (this) {
            ops.forEach((k, n) -> {
              cb.call(n[0], k.jsonName(), "ok");
              cb.call(n[1], k.jsonName(), "failed");
            });
          }
        }).register(registry);
    CounterWithCallback.builder().name("reprise_workload_errors_total")
        .help("Failed operations by error kind")
        .labelNames("error")
        .callback(cb -> {
          synchronized (this) {
            errors.forEach((k, n) -> cb.call(n, k.jsonName()));
          }
        }).register(registry);
    latency("reprise_workload_p50_milliseconds", "Median latency", IntervalReport::p50);
    latency("reprise_workload_p95_milliseconds", "p95 latency", IntervalReport::p95);
    latency("reprise_workload_p99_milliseconds", "p99 latency", IntervalReport::p99);
    latency("reprise_workload_max_milliseconds", "Highest latency", IntervalReport::max);
    gauge("reprise_workload_in_flight", "Requests sent and not yet answered at the end of the last interval",
        r -> (double) r.inFlight());
    gauge("reprise_workload_open_connections", "Connections open to the cluster (pool, storm, leaked) at the end of the last interval",
        r -> (double) r.openConnections());
    gauge("reprise_workload_behind_milliseconds", "How far the senders were behind the schedule at the end of the last interval",
        r -> (double) r.behindMillis());
  }

  private void latency(String name, String what, java.util.function.Function<IntervalReport, Double> value) {
    gauge(name, what + " of the last interval's successful operations, from intended start, in milliseconds", value);
  }

  private void gauge(String name, String help, java.util.function.Function<IntervalReport, Double> value) {
    Consumer<GaugeWithCallback.Callback> callback = cb -> {
      synchronized (this) {
        if (last == null) return;
        Double v = value.apply(last);
        if (v != null) cb.call(v);
      }
    };
    GaugeWithCallback.builder().name(name).help(help).callback(callback).register(registry);
  }

  /** One interval's figures: the report line and its failed operations by kind (the line has them by error only). */
  public synchronized void record(IntervalReport report, Map<OpKind, Long> failedByKind) {
    report.okByKind().forEach((k, n) -> ops.get(k)[0] += n);
    failedByKind.forEach((k, n) -> ops.get(k)[1] += n);
    report.errors().forEach((k, n) -> errors.merge(k, n, Long::sum));
    last = report;
  }

  /** The registry the metrics are on (for tests). */
  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Starts serving at {@code http://bind:port/metrics}; port 0 takes an ephemeral one. Call once.
   *
   * @return the port listened on
   * @throws IOException when the address cannot be bound, naming it
   */
  public synchronized int serve(String bind, int port) throws IOException {
    if (server != null) throw new IllegalStateException("already serving on port " + server.getPort());
    try {
      server = HTTPServer.builder().inetAddress(InetAddress.getByName(bind)).port(port).registry(registry).buildAndStart();
    } catch (IOException e) {
      throw new IOException("cannot serve metrics on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
    return server.getPort();
  }

  /** Stops serving (if it was); idempotent. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
