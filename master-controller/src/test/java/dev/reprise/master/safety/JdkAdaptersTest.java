package dev.reprise.master.safety;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link JdkPrometheusApi} and {@link JdkHttpProbe} against a tiny HTTP server on the loopback. */
class JdkAdaptersTest {
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  HttpServer server;
  ExecutorService handlers;
  String base;
  final List<String> queries = new CopyOnWriteArrayList<>();
  final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    handlers = Executors.newCachedThreadPool();
    server.setExecutor(handlers);
    server.createContext("/api/v1/query", this::prometheus);
    server.createContext("/ok", e -> reply(e, 200, "fine"));
    server.createContext("/down", e -> reply(e, 503, "Service Unavailable"));
    server.createContext("/moved", e -> {
      e.getResponseHeaders().add("Location", "/ok");
      reply(e, 302, "");
    });
    server.createContext("/slow", e -> {
      await();
      reply(e, 200, "late");
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() throws InterruptedException {
    release.countDown();
    server.stop(0);
    handlers.shutdownNow();
    handlers.awaitTermination(5, TimeUnit.SECONDS);
  }

  private void prometheus(HttpExchange e) throws IOException {
    String raw = e.getRequestURI().getRawQuery();
    String query = URLDecoder.decode(raw.substring("query=".length()), StandardCharsets.UTF_8);
    queries.add(query);
    switch (query) {
      case "vector":
        reply(e, 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
            + "{\"metric\":{\"__name__\":\"up\",\"job\":\"db\"},\"value\":[1764741600.123,\"0\"]},"
            + "{\"metric\":{\"job\":\"api\"},\"value\":[1764741600.123,\"+Inf\"]}]}}");
        break;
      case "empty":
        reply(e, 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
        break;
      case "scalar(1.5)":
        reply(e, 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1764741600.123,\"1.5\"]}}");
        break;
      case "range[1m]":
        reply(e, 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}");
        break;
      case "overloaded":
        reply(e, 503, "Service Unavailable");
        break;
      case "slow":
        await();
        reply(e, 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
        break;
      default:
        reply(e, 400, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"query\\\": "
            + "1:4: parse error: unexpected <op:+>\"}");
    }
  }

  private void await() {
    try {
      release.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }

  private static void reply(HttpExchange e, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    e.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (var out = e.getResponseBody()) {
        out.write(bytes);
      }
    }
    e.close();
  }

  @Test
  void prometheusVectorScalarAndEmpty() throws Exception {
    var api = new JdkPrometheusApi();
    assertThat(api.query(base, "vector", TIMEOUT)).isEqualTo(new PrometheusApi.InstantResult.Samples(List.of(
        new PrometheusApi.Sample(Map.of("__name__", "up", "job", "db"), 0),
        new PrometheusApi.Sample(Map.of("job", "api"), Double.POSITIVE_INFINITY))));
    assertThat(api.query(base + "/", "scalar(1.5)", TIMEOUT))
        .isEqualTo(new PrometheusApi.InstantResult.Samples(List.of(new PrometheusApi.Sample(Map.of(), 1.5))));
    assertThat(api.query(base, "empty", TIMEOUT)).isEqualTo(new PrometheusApi.InstantResult.Samples(List.of()));
    assertThat(queries).containsExactly("vector", "scalar(1.5)", "empty");
  }

  @Test
  void prometheusQueryIsEncoded() throws Exception {
    var api = new JdkPrometheusApi();
    String expr = "sum(rate(http_requests_total{code=~\"5..\"}[1m])) / 2 > 0 & x";
    api.query(base, expr, TIMEOUT);
    assertThat(queries).containsExactly(expr);
  }

  @Test
  void prometheusErrorsAreUnavailableWithTheServersText() throws Exception {
    var api = new JdkPrometheusApi();
    assertThat(api.query(base, "1 +", TIMEOUT)).isEqualTo(new PrometheusApi.InstantResult.Unavailable(
        "Prometheus answered HTTP 400 error (bad_data): invalid parameter \"query\": 1:4: parse error: unexpected <op:+>"));
    assertThat(api.query(base, "overloaded", TIMEOUT))
        .isEqualTo(new PrometheusApi.InstantResult.Unavailable("Prometheus answered HTTP 503: Service Unavailable"));
    assertThat(api.query(base, "range[1m]", TIMEOUT)).isInstanceOf(PrometheusApi.InstantResult.Unavailable.class)
        .hasToString("Unavailable[why=the query gives a matrix, not an instant vector or a scalar"
            + " (write it as an alerting rule's expr)]");
  }

  @Test
  void prometheusTimeoutAndRefusedConnectionAreUnavailable() throws Exception {
    var api = new JdkPrometheusApi();
    var slow = api.query(base, "slow", Duration.ofMillis(200));
    assertThat(slow).isInstanceOf(PrometheusApi.InstantResult.Unavailable.class);
    assertThat(((PrometheusApi.InstantResult.Unavailable) slow).why())
        .isEqualTo("Prometheus: no answer from " + base + "/api/v1/query?query=slow within 200 ms");

    String closed = closedPort();
    var refused = api.query(closed, "up", TIMEOUT);
    assertThat(refused).isInstanceOf(PrometheusApi.InstantResult.Unavailable.class);
    assertThat(((PrometheusApi.InstantResult.Unavailable) refused).why())
        .startsWith("Prometheus: cannot connect to " + closed + "/api/v1/query?query=up");
  }

  @Test
  void prometheusParseOfOddBodies() {
    assertThat(JdkPrometheusApi.parse(200, "<html>"))
        .isEqualTo(new PrometheusApi.InstantResult.Unavailable("Prometheus answered HTTP 200 with a body that is not its JSON: <html>"));
    assertThat(JdkPrometheusApi.parse(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
        + "[{\"metric\":{},\"value\":[1,\"many\"]}]}}"))
        .isEqualTo(new PrometheusApi.InstantResult.Unavailable(
            "Prometheus answered a vector this loop cannot read: a value is not a number: \"many\""));
    var nan = (PrometheusApi.InstantResult.Samples) JdkPrometheusApi.parse(200,
        "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"NaN\"]}}");
    assertThat(nan.samples().get(0).value()).isNaN();
  }

  @Test
  void httpProbeStatuses() throws Exception {
    var probe = new JdkHttpProbe();
    assertThat(probe.get(base + "/ok", TIMEOUT)).isEqualTo(new HttpProbe.Result.Status(200));
    assertThat(probe.get(base + "/down", TIMEOUT)).isEqualTo(new HttpProbe.Result.Status(503));
    assertThat(probe.get(base + "/moved", TIMEOUT)).as("redirects are not followed").isEqualTo(new HttpProbe.Result.Status(302));
  }

  @Test
  void httpProbeTimeoutRefusedAndBadUrlAreUnavailable() throws Exception {
    var probe = new JdkHttpProbe();
    assertThat(probe.get(base + "/slow", Duration.ofMillis(200)))
        .isEqualTo(new HttpProbe.Result.Unavailable("no answer from " + base + "/slow within 200 ms"));
    String closed = closedPort();
    var refused = probe.get(closed + "/health", TIMEOUT);
    assertThat(refused).isInstanceOf(HttpProbe.Result.Unavailable.class);
    assertThat(((HttpProbe.Result.Unavailable) refused).why()).startsWith("cannot connect to " + closed + "/health");
    var bad = probe.get("not a url", TIMEOUT);
    assertThat(((HttpProbe.Result.Unavailable) bad).why()).startsWith("not a usable URL not a url");
  }

  /** The base URL of a loopback port nothing listens on (a socket bound there, then closed). */
  private static String closedPort() throws IOException {
    int port;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    return "http://127.0.0.1:" + port;
  }
}
