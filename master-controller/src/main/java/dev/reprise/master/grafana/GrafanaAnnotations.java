package dev.reprise.master.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.fdsl.model.Grafana;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.MarkAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlannedAction;
import dev.reprise.master.run.Outcome;
import dev.reprise.master.run.RunCoordinator;
import dev.reprise.master.run.RunListener;
import dev.reprise.time.Time;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Puts a run on a Grafana dashboard ({@code environment.grafana}): once armed, each planned fault
 * window becomes a region annotation (T0 + offset to T0 + offset + duration; a fault without a
 * duration, such as {@code kill}, a point) and each mark a point annotation, through Grafana's HTTP
 * API: {@code POST {url}/api/annotations} with {@code Authorization: Bearer <token>} and
 * {@code {"dashboardUID", "time", "timeEnd", "tags", "text"}} (times in epoch ms; no
 * {@code dashboardUID} without one configured: organisation-wide annotations). Tags:
 * {@code reprise}, {@code run:<id>}, and {@code fault:<type>} + {@code service:<service>} or
 * {@code mark}; a dashboard shows them with an annotation query on tag {@code reprise}.
 *
 * <p>A run that ends other than {@code ok} (aborted, failed) stopped at the last agent's
 * {@code ended} (else when the run ended): a window still open then gets its end corrected to that
 * moment ({@code PATCH /api/annotations/{id}} with {@code timeEnd} and a text saying so), and an
 * annotation planned after it is removed ({@code DELETE /api/annotations/{id}}): it never happened.
 *
 * <p>Threading (the {@link RunListener} contract): the listener methods only queue work. Every HTTP
 * call is made on one background thread of this object's own, in order, each with a connect and a
 * request timeout. A request that fails (no answer, refused, not 2xx) becomes one line on the
 * warnings sink (called on that thread) and the run goes on. {@link #close} waits a bounded time for
 * the queue to drain.
 */
public final class GrafanaAnnotations implements RunListener, AutoCloseable {

  /** The environment variable holding the token when the scenario names no {@code token_file}. */
  public static final String TOKEN_ENV = "GRAFANA_TOKEN";
  /** Connect and request timeout of each call, by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Where annotations go.
   *
   * @param url Grafana's base URL (a trailing {@code /} is ignored), e.g. {@code http://grafana:3000}
   * @param token a service-account token
   * @param dashboardUid the dashboard to attach them to; null: organisation-wide
   */
  public record Target(URI url, String token, String dashboardUid) {
    public Target {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(token, "token");
      String s = url.toString();
      while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
      url = URI.create(s);
    }

    /**
     * The target a scenario's {@code environment.grafana} names: the token is read from its
     * {@code token_file} (relative to {@code scenarioDir}, trimmed), else from {@link #TOKEN_ENV} in
     * {@code env}.
     *
     * @throws IllegalArgumentException saying what is missing or unreadable
     */
    public static Target of(Grafana config, Path scenarioDir, Map<String, String> env) {
      if (config.url() == null || config.url().isBlank()) {
        throw new IllegalArgumentException("environment.grafana: url is missing");
      }
      URI url;
      try {
        url = URI.create(config.url().trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("environment.grafana: url '" + config.url() + "' is not a URL: " + e.getMessage());
      }
      if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
        throw new IllegalArgumentException("environment.grafana: url '" + config.url() + "' must start with http:// or https://");
      }
      String token;
      if (config.tokenFile() != null) {
        Path file = scenarioDir.resolve(config.tokenFile());
        try {
          token = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
          throw new IllegalArgumentException("environment.grafana: cannot read token_file " + file + ": " + e.getMessage());
        }
        if (token.isEmpty()) throw new IllegalArgumentException("environment.grafana: token_file " + file + " is empty");
      } else {
        token = env.get(TOKEN_ENV);
        if (token == null || token.isBlank()) {
          throw new IllegalArgumentException("environment.grafana: no token_file given and " + TOKEN_ENV + " is not set");
        }
        token = token.trim();
      }
      return new Target(url, token, config.dashboardUid());
    }
  }

  /** One annotation of the plan. {@code end} null: a point. */
  private record Planned(String what, Instant start, Instant end, List<String> tags, String text) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Target target;
  private final Plan plan;
  private final Time time;
  private final Consumer<String> warnings;
  private final HttpClient http;
  private final Duration timeout;
  private final ExecutorService worker;

  // Run thread only.
  private String run;
  private Instant t0;
  private Instant lastAgentEnd;
  private List<Planned> planned = List.of();

  // Worker thread only: the annotation IDs Grafana gave, by index in planned.
  private final Map<Integer, Long> ids = new HashMap<>();

  /** With a client of its own and {@link #DEFAULT_TIMEOUT}. */
  public GrafanaAnnotations(Target target, Plan plan, String runName, Time time, Consumer<String> warnings) {
    this(target, plan, runName, time, warnings,
        HttpClient.newBuilder().connectTimeout(DEFAULT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build(),
        DEFAULT_TIMEOUT);
  }

  /**
   * @param runName the {@code run:} tag until {@link #deploying} gives the run's ID
   * @param time the clock the stop of an aborted run is read from
   * @param warnings gets one line per failed request ({@code warning: grafana: ...}), on the worker thread
   * @param timeout each request's timeout (the client's connect timeout is its own)
   */
  public GrafanaAnnotations(Target target, Plan plan, String runName, Time time, Consumer<String> warnings,
      HttpClient http, Duration timeout) {
    this.target = Objects.requireNonNull(target, "target");
    this.plan = Objects.requireNonNull(plan, "plan");
    this.run = Objects.requireNonNull(runName, "runName");
    this.time = Objects.requireNonNull(time, "time");
    this.warnings = Objects.requireNonNull(warnings, "warnings");
    this.http = Objects.requireNonNull(http, "http");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "grafana-annotations");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void deploying(String runId, Path runDir) {
    run = runId;
  }

  @Override
  public void armed(Instant t0, Map<String, dev.reprise.agent.protocol.AgentMessage.Armed> byHost) {
    this.t0 = t0;
    var list = new ArrayList<Planned>();
    for (PlannedAction a : plan.actions()) {
      Instant start = t0.plusMillis(a.offsetMillis());
      if (a instanceof FaultAction f) {
        long d = f.fault().durationMillis();
        String text = f.fault().label() + " on " + f.service() + " " + f.ids() + " (run " + run + ")";
        list.add(new Planned(f.fault().type() + " on " + f.service() + " at " + seconds(a.offsetMillis()), start,
            d > 0 ? start.plusMillis(d) : null,
            List.of("reprise", "run:" + run, "fault:" + f.fault().type(), "service:" + f.service()), text));
      } else if (a instanceof MarkAction m) {
        list.add(new Planned("mark at " + seconds(a.offsetMillis()), start, null,
            List.of("reprise", "run:" + run, "mark"), m.text() + " (run " + run + ")"));
      }
    }
    planned = List.copyOf(list);
    for (int i = 0; i < planned.size(); i++) {
      int index = i;
      Planned p = planned.get(i);
      submit(() -> add(index, p));
    }
  }

  @Override
  public void agentEnded(String host, dev.reprise.agent.protocol.AgentMessage.Ended ended, long elapsedMillis) {
    lastAgentEnd = time.now();
  }

  @Override
  public void ended(RunCoordinator.Result result) {
    try {
      if (t0 == null || result.outcome() == Outcome.OK) return;
      Instant stop = lastAgentEnd != null ? lastAgentEnd : time.now();
      long stoppedAt = Duration.between(t0, stop).toMillis();
      for (int i = 0; i < planned.size(); i++) {
        Planned p = planned.get(i);
        int index = i;
        if (p.start().isAfter(stop)) {
          submit(() -> delete(index, p));
        } else if (p.end() != null && p.end().isAfter(stop)) {
          String text = p.text() + " — healed early at " + seconds(stoppedAt) + ": the run " + result.outcome().word();
          submit(() -> correctEnd(index, p, stop, text));
        }
      }
    } finally {
      worker.shutdown(); // runs what is queued, then the thread ends
    }
  }

  /**
   * Waits up to {@code drain} for the queued requests (they are not cut short), then gives up on
   * the rest with one warning. Idempotent.
   */
  public void close(Duration drain) {
    worker.shutdown();
    try {
      if (!worker.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
        int left = worker.shutdownNow().size();
        warnings.accept("warning: grafana: gave up on " + left + " annotation request(s) not sent within "
            + drain.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** {@link #close(Duration)} with twice the request timeout plus a little. */
  @Override
  public void close() {
    close(timeout.multipliedBy(2).plusSeconds(1));
  }

  private void submit(Runnable call) {
    try {
      worker.execute(() -> {
        try {
          call.run();
        } catch (RuntimeException e) {
          warnings.accept("warning: grafana: " + e); // a bug of ours; the next requests still go
        }
      });
    } catch (RejectedExecutionException e) {
      // closed already: the run is over for us
    }
  }

  private void add(int index, Planned p) {
    var body = new LinkedHashMap<String, Object>();
    if (target.dashboardUid() != null) body.put("dashboardUID", target.dashboardUid());
    body.put("time", p.start().toEpochMilli());
    if (p.end() != null) body.put("timeEnd", p.end().toEpochMilli());
    body.put("tags", p.tags());
    body.put("text", p.text());
    JsonNode answer = call("POST", "/api/annotations", body, "add the annotation for " + p.what());
    if (answer == null) return;
    JsonNode id = answer.get("id");
    if (id == null || !id.canConvertToLong()) {
      warnings.accept("warning: grafana: adding the annotation for " + p.what() + " was answered without an id: " + answer);
      return;
    }
    ids.put(index, id.asLong());
  }

  private void correctEnd(int index, Planned p, Instant stop, String text) {
    Long id = ids.get(index);
    if (id == null) return; // its POST failed, and said so
    var body = new LinkedHashMap<String, Object>();
    body.put("timeEnd", Math.max(stop.toEpochMilli(), p.start().toEpochMilli()));
    body.put("text", text);
    call("PATCH", "/api/annotations/" + id, body, "correct the end of the annotation for " + p.what());
  }

  private void delete(int index, Planned p) {
    Long id = ids.get(index);
    if (id == null) return;
    call("DELETE", "/api/annotations/" + id, null, "remove the annotation for " + p.what() + " (it never happened)");
  }

  /** One request; its JSON answer, or null after one warning line. */
  private JsonNode call(String method, String path, Map<String, Object> body, String what) {
    URI uri = URI.create(target.url() + path);
    try {
      var request = HttpRequest.newBuilder(uri).timeout(timeout)
          .header("Authorization", "Bearer " + target.token())
          .header("Accept", "application/json");
      if (body == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        request.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      }
      var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        warnings.accept("warning: grafana: could not " + what + ": " + method + " " + uri + " answered HTTP "
            + response.statusCode() + message(response.body()));
        return null;
      }
      String text = response.body();
      return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    } catch (HttpTimeoutException e) {
      warnings.accept("warning: grafana: could not " + what + ": " + method + " " + uri + " had no answer within "
          + timeout.toSeconds() + " s");
    } catch (IOException e) {
      warnings.accept("warning: grafana: could not " + what + ": " + method + " " + uri + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  /** Grafana's {@code message}, or the start of the body. */
  private static String message(String body) {
    if (body == null || body.isBlank()) return "";
    try {
      JsonNode m = JSON.readTree(body).get("message");
      if (m != null && m.isTextual()) return ": " + m.asText();
    } catch (IOException | RuntimeException e) {
      // not JSON: show the text
    }
    String s = body.strip();
    return ": " + (s.length() > 200 ? s.substring(0, 200) + "…" : s);
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
