package dev.reprise.master.cli;

import dev.reprise.master.experiments.ExperimentJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The experiments API of a {@code master serve} as {@code master inject --server} and
 * {@code master experiments --server} use it (JDK HttpClient, bearer token from a file, JSON through
 * {@link ExperimentJson}); maps answers to the CLI's exit codes.
 */
final class ExperimentClient {
  /** An answer: its status code and body. */
  record Answer(int code, String body) {}

  private final URI base;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ExperimentClient(String server, Path tokenFile) throws IOException {
    this.base = URI.create(server.endsWith("/") ? server : server + "/");
    this.token = tokenFile == null ? null : Files.readString(tokenFile).strip();
  }

  /** The server named by {@code --server}, else {@code REPRISE_SERVER}; null: none (act locally). */
  static String server(String option) {
    if (option != null && !option.isBlank()) return option;
    String env = System.getenv("REPRISE_SERVER");
    return env == null || env.isBlank() ? null : env;
  }

  /** {@code --token-file}, else {@code REPRISE_TOKEN_FILE}; null: none. */
  static Path tokenFile(Path option) {
    if (option != null) return option;
    String env = System.getenv("REPRISE_TOKEN_FILE");
    return env == null || env.isBlank() ? null : Path.of(env);
  }

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

  /** Prints an answer (a 400 one field per line) and returns the exit code. */
  static int print(Answer a, java.io.PrintStream out, java.io.PrintStream err) {
    if (a.code() >= 200 && a.code() < 300) {
      out.println(a.body());
      return ExitCodes.OK;
    }
    try {
      var node = ExperimentJson.mapper().readTree(a.body());
      if (a.code() == 400 && node.has("errors")) {
        for (var e : node.get("errors")) err.println("error: " + e.path("field").asText() + ": " + e.path("message").asText());
        return ExitCodes.INVALID_INPUT;
      }
      err.println("error: " + (node.has("message") ? node.get("message").asText() : a.body()) + " (HTTP " + a.code() + ")");
    } catch (IOException | RuntimeException e) {
      err.println("error: HTTP " + a.code() + ": " + a.body());
    }
    return a.code() == 400 || a.code() == 404 || a.code() == 409 ? ExitCodes.INVALID_INPUT
        : a.code() == 401 || a.code() == 403 ? ExitCodes.INVALID_INPUT : ExitCodes.ENVIRONMENT;
  }
}
