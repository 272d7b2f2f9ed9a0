package dev.reprise.master.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.reprise.master.experiments.ExperimentJson;
import dev.reprise.master.experiments.ExperimentStatus;
import java.io.IOException;
import java.io.PrintStream;
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
import java.util.Locale;
import java.util.function.Function;

/**
 * The experiments API of a {@code master serve} as {@code master inject --server} and
 * {@code master experiments --server} use it (JDK HttpClient, bearer token from a file, JSON through
 * {@link ExperimentJson}), and how its answers become the CLI's output and exit codes: 2xx exit 0;
 * 400 (one {@code error: OPTION: message} line per bad field), 401/403, 404 and 409 exit 2; 503 and
 * other 5xx exit 3; anything else exit 1. An error is always one line per problem, never a body dump
 * or a stack trace.
 */
final class ExperimentClient {
  /** An answer: its status code and body. */
  record Answer(int code, String body) {}

  /** Why a client could not be built from the options: one line for a human (exit 2). */
  static final class BadOptions extends Exception {
    BadOptions(String message) {
      super(message);
    }
  }

  private final URI base;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ExperimentClient(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  /**
   * A client of {@code server} (an {@code http://} or {@code https://} URL) with the token in
   * {@code tokenFile} (null: none, the server will answer 401).
   *
   * @throws BadOptions when the URL is not one or the token file cannot be read
   */
  static ExperimentClient connect(String server, Path tokenFile) throws BadOptions {
    URI base;
    try {
      base = URI.create(server.endsWith("/") ? server : server + "/");
    } catch (IllegalArgumentException e) {
      throw new BadOptions("--server " + server + ": not a URL (" + e.getMessage() + ")");
    }
    String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || base.getHost() == null) {
      throw new BadOptions("--server " + server + ": expected http://HOST:PORT or https://HOST:PORT (the first line `master serve` prints)");
    }
    String token = null;
    if (tokenFile != null) {
      try {
        token = Files.readString(tokenFile).strip();
      } catch (IOException e) {
        throw new BadOptions("--token-file " + tokenFile + ": cannot read it (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
      }
      if (token.isEmpty()) throw new BadOptions("--token-file " + tokenFile + ": the file is empty");
    }
    return new ExperimentClient(base, token);
  }

  /** The server named by {@code --server}, else {@code REPRISE_SERVER} of {@code env}; null: none (act locally). */
  static String server(String option, Function<String, String> env) {
    if (option != null && !option.isBlank()) return option;
    String value = env.apply("REPRISE_SERVER");
    return value == null || value.isBlank() ? null : value;
  }

  /** {@code --token-file}, else {@code REPRISE_TOKEN_FILE} of {@code env}; null: none. */
  static Path tokenFile(Path option, Function<String, String> env) {
    if (option != null) return option;
    String value = env.apply("REPRISE_TOKEN_FILE");
    return value == null || value.isBlank() ? null : Path.of(value);
  }

  /** {@code id} as one path segment (an ID the server would refuse still reaches it, and gets its 404). */
  static String segment(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Sends one request ({@code body} as JSON, or none) and returns the answer whatever its status.
   *
   * @throws IOException when the server cannot be reached or the connection breaks
   */
  Answer send(String method, String path, Object body) throws IOException, InterruptedException {
    var b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(150)).header("Accept", "application/json");
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(ExperimentJson.mapper().writeValueAsString(body)));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    var r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body());
  }

  /** The exit code of an answer with {@code code}. */
  static int exitCode(int code) {
    if (code >= 200 && code < 300) return ExitCodes.OK;
    if (code == 400 || code == 401 || code == 403 || code == 404 || code == 409) return ExitCodes.INVALID_INPUT;
    if (code >= 500) return ExitCodes.ENVIRONMENT;
    return ExitCodes.RUN_FAILED;
  }

  /**
   * Prints a refusal ({@code a} not 2xx) on {@code err} and returns its exit code: a 400 one line per
   * bad field, named as the CLI names it ({@link #optionOf}); otherwise one line with the server's
   * message and the status.
   */
  static int printError(Answer a, PrintStream err) {
    JsonNode node = null;
    try {
      node = ExperimentJson.mapper().readTree(a.body());
    } catch (IOException | RuntimeException e) {
      // not JSON (a proxy's page, say): said below without the body
    }
    if (node != null && a.code() == 400 && node.path("fields").isArray() && !node.path("fields").isEmpty()) {
      for (JsonNode f : node.get("fields")) err.println("error: " + optionOf(f.path("field").asText()) + ": " + f.path("message").asText());
      return ExitCodes.INVALID_INPUT;
    }
    String message = null;
    if (node != null && node.hasNonNull("message")) message = node.get("message").asText();
    else if (node != null && node.hasNonNull("error")) message = node.get("error").asText();
    if (message == null) message = a.body() == null || a.body().isBlank() || a.body().length() > 200 ? "no details" : a.body().strip();
    String hint = a.code() == 401 ? "; give the server's token with --token-file or REPRISE_TOKEN_FILE" : "";
    err.println("error: " + oneLine(message) + " (HTTP " + a.code() + hint + ")");
    return exitCode(a.code());
  }

  /** The status in a 2xx answer's body. */
  static ExperimentStatus status(Answer a) throws IOException {
    return ExperimentJson.mapper().readValue(a.body(), ExperimentStatus.class);
  }

  /** The statuses in a 2xx answer's body (a list). */
  static List<ExperimentStatus> statuses(Answer a) throws IOException {
    return ExperimentJson.mapper().readValue(a.body(), new TypeReference<List<ExperimentStatus>>() {});
  }

  /**
   * A request field as {@code master inject} names it: {@code durationSeconds} → {@code --duration},
   * {@code parameters.latencyMs} → {@code --param latencyMs}, {@code parameters.targetCount} →
   * {@code --count}, and so on; a field with no option of its own stays as it is.
   */
  static String optionOf(String field) {
    switch (field) {
      case "experimentId": return "--id";
      case "targetService": return "SERVICE";
      case "action": return "ACTION";
      case "durationSeconds": return "--duration";
      case "parameters.targetCount": return "--count";
      case "parameters.targetPercent": return "--percent";
      case "safetyThreshold.maxErrorRatePct": return "--max-error-rate";
      case "safetyThreshold.maxP99LatencyMs": return "--max-p99";
      default:
        if (field.startsWith("parameters.")) return "--param " + field.substring("parameters.".length());
        return field;
    }
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
