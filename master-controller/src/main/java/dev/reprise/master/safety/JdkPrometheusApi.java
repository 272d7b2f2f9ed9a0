package dev.reprise.master.safety;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link PrometheusApi} over Prometheus' HTTP API: {@code GET {base}/api/v1/query?query=...}, the
 * answer {@code {"status":"success","data":{"resultType":"vector"|"scalar","result":...}}}. A
 * {@code matrix} or {@code string} result, {@code "status":"error"}, a status other than 200, a body
 * that is not that JSON, a connection failure or a timeout is {@link InstantResult.Unavailable},
 * with the server's own error text when it sent one. Thread-safe.
 */
public final class JdkPrometheusApi implements PrometheusApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JdkHttp http;

  public JdkPrometheusApi() {
    this(JdkHttp.defaultClient());
  }

  public JdkPrometheusApi(HttpClient client) {
    this.http = new JdkHttp(client);
  }

  @Override
  public InstantResult query(String baseUrl, String expr, Duration timeout) throws InterruptedException {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    String url = base + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8);
    HttpResponse<String> response;
    try {
      response = http.get(url, timeout, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (JdkHttp.Failure e) {
      return new InstantResult.Unavailable("Prometheus: " + e.getMessage());
    }
    return parse(response.statusCode(), response.body());
  }

  /** The answer of an instant query with HTTP status {@code status} and body {@code body}. */
  static InstantResult parse(int status, String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body == null ? "" : body);
    } catch (IOException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      return new InstantResult.Unavailable("Prometheus answered HTTP " + status
          + (status == 200 ? " with a body that is not its JSON" : "") + ": " + JdkHttp.firstLine(body));
    }
    if (!"success".equals(root.path("status").asText())) {
      String type = root.path("errorType").asText("");
      String error = root.path("error").asText("");
      return new InstantResult.Unavailable("Prometheus answered HTTP " + status + " " + root.path("status").asText("?")
          + (type.isEmpty() ? "" : " (" + type + ")") + ": " + (error.isEmpty() ? JdkHttp.firstLine(body) : error));
    }
    if (status != 200) {
      return new InstantResult.Unavailable("Prometheus answered HTTP " + status + ": " + JdkHttp.firstLine(body));
    }
    JsonNode data = root.path("data");
    String type = data.path("resultType").asText("");
    JsonNode result = data.path("result");
    try {
      switch (type) {
        case "scalar":
          return new InstantResult.Samples(List.of(new Sample(Map.of(), value(result))));
        case "vector": {
          if (!result.isArray()) throw new IllegalArgumentException("data.result is not an array");
          var samples = new ArrayList<Sample>();
          for (JsonNode series : result) {
            var labels = new LinkedHashMap<String, String>();
            series.path("metric").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
            samples.add(new Sample(labels, value(series.path("value"))));
          }
          return new InstantResult.Samples(samples);
        }
        default:
          return new InstantResult.Unavailable("the query gives a " + (type.isEmpty() ? "result without a type" : type)
              + ", not an instant vector or a scalar (write it as an alerting rule's expr)");
      }
    } catch (IllegalArgumentException e) {
      return new InstantResult.Unavailable("Prometheus answered a " + type + " this loop cannot read: " + e.getMessage());
    }
  }

  /** The value of a {@code [<unix time>, "<value>"]} pair; Prometheus writes ±Inf as {@code +Inf}/{@code -Inf}. */
  private static double value(JsonNode pair) {
    if (!pair.isArray() || pair.size() != 2) throw new IllegalArgumentException("a value is not [time, \"value\"]: " + pair);
    String text = pair.get(1).asText();
    switch (text) {
      case "+Inf":
      case "Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      case "NaN":
        return Double.NaN;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("a value is not a number: \"" + text + "\"");
        }
    }
  }
}
