package dev.reprise.master.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's package, scripts/setup-prometheus.sh) for the ITs: started on a
 * free loopback port with a generated config that scrapes {@code targets} every second, its data in a
 * folder of the test's own, stopped (and waited for) at {@link #close}. Never binds anything but 127.0.0.1.
 */
public final class PrometheusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private PrometheusServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** A free TCP port on loopback (closed again at once; the caller binds it next). */
  public static int freePort() throws IOException {
    try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Starts Prometheus in {@code dir}, scraping each {@code host:port} of {@code targets} every second; waits until it is ready. */
  public static PrometheusServer start(Path dir, List<String> targets) throws IOException, InterruptedException {
    Path binary = Path.of("/usr/bin/prometheus");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException("no " + binary + ": run scripts/setup-prometheus.sh (the test command does)");
    }
    Files.createDirectories(dir);
    var config = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n"
        + "  - job_name: reprise\n    scrape_interval: 1s\n    scrape_timeout: 900ms\n    static_configs:\n      - targets: [");
    for (int i = 0; i < targets.size(); i++) config.append(i == 0 ? "" : ", ").append('"').append(targets.get(i)).append('"');
    config.append("]\n");
    Files.writeString(dir.resolve("prometheus.yml"), config);
    Path log = dir.resolve("prometheus.log");
    int port = freePort();
    var process = new ProcessBuilder(binary.toString(),
        "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port,
        "--web.console.templates=" + dir, "--web.console.libraries=" + dir)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    var server = new PrometheusServer(process, port, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus ended at start (exit " + process.exitValue() + "): " + server.logTail());
      }
      try {
        var r = server.http.send(HttpRequest.newBuilder(server.uri("/-/ready")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) return server;
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        server.close();
        throw new IllegalStateException("prometheus not ready after 60 s: " + server.logTail());
      }
      Thread.sleep(200);
    }
  }

  /** The server's base URL, {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  private URI uri(String path) {
    return URI.create(url() + path);
  }

  /** An instant query; the {@code data.result} array of the answer. */
  public JsonNode query(String expr) throws IOException, InterruptedException {
    var r = http.send(HttpRequest.newBuilder(uri("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    var body = JSON.readTree(r.body());
    if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new IOException("query " + expr + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return body.path("data").path("result");
  }

  /** A range query over [start, end] with a 1 s step; the {@code data.result} matrix. */
  public JsonNode queryRange(String expr, java.time.Instant start, java.time.Instant end) throws IOException, InterruptedException {
    String q = "/api/v1/query_range?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)
        + "&start=" + start.getEpochSecond() + "&end=" + (end.getEpochSecond() + 1) + "&step=1";
    var r = http.send(HttpRequest.newBuilder(uri(q)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    var body = JSON.readTree(r.body());
    if (r.statusCode() != 200) throw new IOException("query_range " + expr + ": HTTP " + r.statusCode() + " " + r.body());
    return body.path("data").path("result");
  }

  /** The scrape targets' health as Prometheus sees them ({@code up}, last error). */
  public JsonNode targets() throws IOException, InterruptedException {
    var r = http.send(HttpRequest.newBuilder(uri("/api/v1/targets")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).path("data").path("activeTargets");
  }

  public String logTail() {
    try {
      var lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
