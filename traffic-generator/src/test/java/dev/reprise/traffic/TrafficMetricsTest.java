package dev.reprise.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.time.SystemTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** --metrics-port: the interval figures, scraped over HTTP as Prometheus does. */
class TrafficMetricsTest {
  private final TrafficMetrics metrics = new TrafficMetrics();

  @AfterEach
  void close() {
    metrics.close();
  }

  /** Every sample line of a scrape: {@code name{labels}} as written → value. */
  private static Map<String, Double> scrape(int port) throws Exception {
    var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    var response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    var samples = new TreeMap<String, Double>();
    for (String line : response.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  private static IntervalReport report(long read, long write, long timeouts, Double p99) {
    return new IntervalReport(Instant.parse("2026-12-01T10:00:01Z"), 1000, Map.of(OpKind.READ, read, OpKind.WRITE, write),
        Map.of(ErrorKind.TIMEOUT, timeouts, ErrorKind.UNAVAILABLE, 0L, ErrorKind.NO_HOST, 0L, ErrorKind.OTHER, 0L),
        p99 == null ? null : 1.5, p99 == null ? null : 4.0, p99, p99 == null ? null : 20.0, 7, 3, 12);
  }

  @Test
  void serves_the_figures_of_the_intervals_fed_to_it() throws Exception {
    int port = metrics.serve("127.0.0.1", 0);
    assertThat(port).isPositive();
    var before = scrape(port);
    assertThat(before).containsEntry("reprise_workload_ops_total{kind=\"read\",outcome=\"ok\"}", 0.0)
        .doesNotContainKey("reprise_workload_p99_milliseconds");

    metrics.record(report(250, 240, 10, 8.25), Map.of(OpKind.READ, 4L, OpKind.WRITE, 6L));
    metrics.record(report(100, 0, 2, null), Map.of(OpKind.READ, 2L, OpKind.WRITE, 0L));
    var s = scrape(port);
    assertThat(s).containsEntry("reprise_workload_ops_total{kind=\"read\",outcome=\"ok\"}", 350.0)
        .containsEntry("reprise_workload_ops_total{kind=\"write\",outcome=\"ok\"}", 240.0)
        .containsEntry("reprise_workload_ops_total{kind=\"read\",outcome=\"failed\"}", 6.0)
        .containsEntry("reprise_workload_ops_total{kind=\"write\",outcome=\"failed\"}", 6.0)
        .containsEntry("reprise_workload_errors_total{error=\"timeout\"}", 12.0)
        .containsEntry("reprise_workload_errors_total{error=\"no_host\"}", 0.0)
        .containsEntry("reprise_workload_in_flight", 7.0)
        .containsEntry("reprise_workload_open_connections", 3.0)
        .containsEntry("reprise_workload_behind_milliseconds", 12.0);
    // the last interval had no success: no latency series
    assertThat(s.keySet()).noneMatch(k -> k.matches("reprise_workload_(p50|p95|p99|max)_milliseconds"));

    metrics.record(report(10, 10, 0, 8.25), Map.of());
    assertThat(scrape(port)).containsEntry("reprise_workload_p50_milliseconds", 1.5)
        .containsEntry("reprise_workload_p95_milliseconds", 4.0)
        .containsEntry("reprise_workload_p99_milliseconds", 8.25)
        .containsEntry("reprise_workload_max_milliseconds", 20.0);
  }

  @Test
  void a_port_in_use_is_an_error_that_names_it() throws Exception {
    int port = metrics.serve("127.0.0.1", 0);
    try (var other = new TrafficMetrics()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.serve("127.0.0.1", port))
          .hasMessageStartingWith("cannot serve metrics on 127.0.0.1:" + port + ": ");
    }
  }

  @Test
  void the_generator_feeds_every_interval_it_prints() throws Exception {
    FakeTarget target = new FakeTarget(SystemTime.INSTANCE);
    target.completeImmediately = true;
    var options = new TrafficOptions(List.of(new HostAndPort("fake", 9042)), Mode.MIXED, 1, 100,
        Optional.of(Duration.ofMillis(1200)), false, false, Duration.ofMillis(500), Optional.empty(), false, 20, false,
        0.5, "ks", Replication.parse("1"), "ONE", 10, 100, "dc1", 1, 64);
    var out = new ByteArrayOutputStream();
    var fedOk = new AtomicLong();
    TrafficGenerator g = new TrafficGenerator(options, target, target, SystemTime.INSTANCE,
        new PrintStream(out, true, StandardCharsets.UTF_8), (log, complete) -> {}, (report, failed) -> {
          metrics.record(report, failed);
          fedOk.addAndGet(report.ok());
        });
    g.start();
    g.awaitEnd();
    g.finish("duration");
    long printedOk = 0;
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) printedOk += json.readTree(line).get("ops_ok").asLong();
    assertThat(printedOk).isPositive();
    assertThat(fedOk.get()).isEqualTo(printedOk);
    int port = metrics.serve("127.0.0.1", 0);
    var s = scrape(port);
    assertThat(s.get("reprise_workload_ops_total{kind=\"read\",outcome=\"ok\"}")
        + s.get("reprise_workload_ops_total{kind=\"write\",outcome=\"ok\"}")).isEqualTo((double) printedOk);
  }
}
