package dev.reprise.master.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.reprise.master.experiments.ExperimentException;
import dev.reprise.master.experiments.ExperimentRequest;
import dev.reprise.master.experiments.ExperimentStatus;
import dev.reprise.master.experiments.Experiments;
import dev.reprise.master.experiments.FieldError;
import dev.reprise.master.runqueue.QueuedRun;
import dev.reprise.master.runqueue.RunEvent;
import dev.reprise.master.runqueue.RunQueue;
import dev.reprise.master.runqueue.SubmissionException;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import io.javalin.json.JavalinJackson;
import io.javalin.router.ParsedEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP control plane ({@code master serve}): the {@link Experiments} and {@link RunQueue} ports
 * over HTTP/JSON (Javalin on Jetty 12), every route but {@code GET /health} behind the bearer token,
 * HTTPS when {@link Config#tls} is set. The routes and their answers are in
 * {@code openapi.json} next to this class (served at {@code /openapi.json}; {@code OpenApiConformanceTest}
 * keeps the two in step). No answer ever carries a stack trace: unexpected errors are logged here and
 * answered {@code 500 {"error": "internal error"}}.
 *
 * <p>Lifecycle: {@link #start} once, {@link #close} once (stops taking requests, then closes the run
 * queue and the experiments, which heal what they applied). Handlers run on Jetty's threads; the
 * ports are thread-safe by contract.
 */
public final class ControlPlane implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
  /** Where the OpenAPI document is on the class path. */
  public static final String OPENAPI_RESOURCE = "/dev/reprise/master/http/openapi.json";

  /**
   * How to listen.
   *
   * @param bind the address ({@code 127.0.0.1} by default in {@code master serve})
   * @param port the port; 0: any free one ({@link #uri()} says which)
   * @param tls the keystore to serve HTTPS with, or null for plain HTTP
   */
  public record Config(String bind, int port, Tls tls) {
    public Config {
      Objects.requireNonNull(bind, "bind");
    }
  }

  /** A PKCS12 or JKS keystore holding the server's key and certificate. */
  public record Tls(Path keystore, String password) {}

  private final Config config;
  private final Experiments experiments;
  private final RunQueue runQueue;
  private final RunFiles runFiles;
  private final TokenCheck tokens;
  private final byte[] openApi;
  private final AtomicBoolean closed = new AtomicBoolean();
  private Javalin app;
  private URI uri;
  /** Comments on open event streams, so Jetty's idle timeout (30 s) never cuts a quiet one. */
  private final java.util.concurrent.ScheduledExecutorService heartbeats =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "control-plane-sse-heartbeat");
        t.setDaemon(true);
        return t;
      });
  /** How often an open event stream gets a comment line. */
  static final java.time.Duration HEARTBEAT = java.time.Duration.ofSeconds(15);

  public ControlPlane(Config config, Experiments experiments, RunQueue runQueue, RunFiles runFiles, TokenCheck tokens) {
    this.config = Objects.requireNonNull(config);
    this.experiments = Objects.requireNonNull(experiments);
    this.runQueue = Objects.requireNonNull(runQueue);
    this.runFiles = Objects.requireNonNull(runFiles);
    this.tokens = Objects.requireNonNull(tokens);
    this.openApi = openApiDocument();
  }

  /** The OpenAPI 3.1 document as kept in the repository. */
  public static byte[] openApiDocument() {
    try (InputStream in = ControlPlane.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) throw new IllegalStateException(OPENAPI_RESOURCE + " missing from the class path");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts listening and returns the base URI ({@code http://127.0.0.1:8787}).
   *
   * @throws io.javalin.util.JavalinException when the port cannot be bound or the keystore not read
   */
  public synchronized URI start() {
    if (app != null) throw new IllegalStateException("started already");
    app = Javalin.create(this::configure);
    app.start();
    int port = ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    String host = config.bind().contains(":") ? "[" + config.bind() + "]" : config.bind();
    uri = URI.create((config.tls() == null ? "http" : "https") + "://" + host + ":" + port);
    return uri;
  }

  /** The base URI once started. */
  public synchronized URI uri() {
    return uri;
  }

  /** Every route the server answers, as {@code METHOD /path/{param}} (OpenAPI's path syntax); after {@link #start}. */
  public synchronized List<String> routes() {
    var out = new ArrayList<String>();
    for (ParsedEndpoint e : app.unsafe.internalRouter.allHttpHandlers()) {
      HandlerType m = e.endpoint.method;
      if (!m.isHttpMethod()) continue;
      out.add(m.name() + " " + e.endpoint.path.replace('<', '{').replace('>', '}'));
    }
    return out;
  }

  private void configure(JavalinConfig c) {
    c.startup.showJavalinBanner = false;
    c.startup.showOldJavalinVersionWarning = false;
    c.jsonMapper(new JavalinJackson(ApiJson.MAPPER, false));
    c.http.maxRequestSize = 16L * 1024 * 1024;
    c.http.defaultContentType = "application/json";
    if (config.tls() == null) {
      c.jetty.host = config.bind();
      c.jetty.port = config.port();
    } else {
      c.jetty.addConnector((server, httpConfig) -> httpsConnector(server, httpConfig));
    }
    var r = c.routes;
    r.before(this::authenticate);

    r.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
    r.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));

    r.post("/api/v1/chaos/experiments", this::injectExperiment);
    r.get("/api/v1/chaos/experiments", ctx -> ctx.json(experiments.list()));
    r.get("/api/v1/chaos/experiments/{id}/status", ctx -> ctx.json(experiment(ctx.pathParam("id"))));
    r.delete("/api/v1/chaos/experiments/{id}", this::rollbackExperiment);
    r.get("/api/v1/chaos/experiments/{id}/files/<path>", this::experimentFile);

    r.post("/api/v1/runs", this::submitRun);
    r.get("/api/v1/runs", ctx -> ctx.json(runQueue.list()));
    r.get("/api/v1/runs/{id}", ctx -> ctx.json(run(ctx.pathParam("id"))));
    r.get("/api/v1/runs/{id}/events", this::runEvents);
    r.post("/api/v1/runs/{id}/abort", ctx -> ctx.json(runQueue.abort(ctx.pathParam("id"))
        .orElseThrow(() -> ApiException.of(404, "no run '" + ctx.pathParam("id") + "'"))));
    r.get("/api/v1/runs/{id}/files/<path>", ctx -> serveFile(ctx, runFolder(ctx.pathParam("id")), ctx.pathParam("path")));
    r.get("/api/v1/runs/{id}/report.html", ctx -> serveFile(ctx, runFolder(ctx.pathParam("id")), "report.html"));

    r.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).json(e.body()));
    r.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus()).json(new ApiErrors.Message(e.getMessage())));
    r.exception(Exception.class, (e, ctx) -> {
      LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
      ctx.status(500).json(new ApiErrors.Message("internal error (see the server's log)"));
    });
  }

  private Connector httpsConnector(org.eclipse.jetty.server.Server server, HttpConfiguration httpConfig) {
    var https = new HttpConfiguration(httpConfig);
    var secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    https.addCustomizer(secure);
    var ssl = new SslContextFactory.Server();
    ssl.setKeyStorePath(config.tls().keystore().toAbsolutePath().toString());
    ssl.setKeyStorePassword(config.tls().password());
    var connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
    connector.setHost(config.bind());
    connector.setPort(config.port());
    return connector;
  }

  private void authenticate(Context ctx) {
    if (ctx.method() == HandlerType.GET && ctx.path().equals("/health")) return;
    if (!tokens.accepts(ctx.header("Authorization"))) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"reprise\"");
      throw ApiException.of(401, ctx.header("Authorization") == null
          ? "missing Authorization: Bearer <token> (the token is in the server's token file)"
          : "wrong token");
    }
  }

  // --- experiments ---

  private void injectExperiment(Context ctx) {
    var parsed = ExperimentRequestJson.parse(ctx.contentType(), ctx.bodyAsBytes());
    if (!parsed.ok()) throw new ApiException(400, new ApiErrors.InvalidRequest(parsed.errors()));
    ExperimentRequest request = parsed.request();
    try {
      ExperimentStatus status = experiments.inject(request);
      ctx.status(202).header("Location", "/api/v1/chaos/experiments/" + status.experimentId() + "/status").json(status);
    } catch (ExperimentException e) {
      throw refusal(e, List.of());
    }
  }

  private void rollbackExperiment(Context ctx) {
    try {
      ctx.json(experiments.rollback(ctx.pathParam("id")));
    } catch (ExperimentException e) {
      throw refusal(e, List.of());
    }
  }

  private ExperimentStatus experiment(String id) {
    return experiments.status(id).orElseThrow(() -> ApiException.of(404, "no experiment '" + id + "'"));
  }

  private void experimentFile(Context ctx) throws IOException {
    ExperimentStatus status = experiment(ctx.pathParam("id"));
    if (status.runId() == null) throw ApiException.of(404, "experiment '" + status.experimentId() + "' has no run folder yet");
    Path folder = runFiles.folder(status.runId())
        .orElseThrow(() -> ApiException.of(404, "run folder '" + status.runId() + "' not found"));
    serveFile(ctx, folder, ctx.pathParam("path"));
  }

  /**
   * The answer to a refusal of {@link Experiments}: 400 with every field ({@code shapeErrors} first,
   * then the port's, each field once), 404, 409 (with the cap) or 503.
   */
  static ApiException refusal(ExperimentException e, List<FieldError> shapeErrors) {
    if (e instanceof ExperimentException.Invalid invalid) {
      var fields = new ArrayList<>(shapeErrors);
      for (FieldError f : invalid.errors()) if (!fields.contains(f)) fields.add(f);
      return new ApiException(400, new ApiErrors.InvalidRequest(fields));
    }
    if (e instanceof ExperimentException.UnknownService || e instanceof ExperimentException.UnknownExperiment) {
      return ApiException.of(404, e.getMessage());
    }
    if (e instanceof ExperimentException.OverBlastRadius over) {
      return new ApiException(409, new ApiErrors.OverBlastRadius("over the blast-radius cap", over.getMessage(), over.cap(),
          over.scope(), over.allowed(), over.wouldBe()));
    }
    if (e instanceof ExperimentException.DuplicateId) return ApiException.of(409, e.getMessage());
    if (e instanceof ExperimentException.Unavailable) return ApiException.of(503, e.getMessage());
    return ApiException.of(500, e.getMessage());
  }

  // --- runs ---

  private void submitRun(Context ctx) throws IOException {
    String type = ctx.contentType();
    RunSubmissionJson.Result parsed;
    if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
      var parts = new ArrayList<RunSubmissionJson.Part>();
      for (var e : ctx.uploadedFileMap().entrySet()) {
        for (UploadedFile f : e.getValue()) {
          try (InputStream in = f.content()) {
            parts.add(new RunSubmissionJson.Part(e.getKey(), f.filename(), in.readAllBytes()));
          }
        }
      }
      for (var e : ctx.formParamMap().entrySet()) {
        if (ctx.uploadedFileMap().containsKey(e.getKey())) continue;
        for (String v : e.getValue()) {
          parts.add(new RunSubmissionJson.Part(e.getKey(), null, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
      }
      parsed = RunSubmissionJson.parseMultipart(parts);
    } else if (ExperimentRequestJson.isJson(type)) {
      parsed = RunSubmissionJson.parseJson(ctx.bodyAsBytes());
    } else {
      throw new ApiException(400, new ApiErrors.InvalidSubmission(List.of(new SubmissionException.Problem("Content-Type", "request", 0, 0,
          "must be application/json or multipart/form-data, got " + (type == null ? "none" : "'" + type + "'")))));
    }
    if (!parsed.ok()) throw new ApiException(400, new ApiErrors.InvalidSubmission(parsed.problems()));
    try {
      QueuedRun run = runQueue.submit(parsed.submission());
      ctx.status(201).header("Location", "/api/v1/runs/" + run.id()).json(run);
    } catch (SubmissionException e) {
      throw new ApiException(400, new ApiErrors.InvalidSubmission(e.problems()));
    }
  }

  private QueuedRun run(String id) {
    return runQueue.get(id).orElseThrow(() -> ApiException.of(404, "no run '" + id + "'"));
  }

  private Path runFolder(String id) {
    QueuedRun run = run(id);
    if (run.runDir() != null && Files.isDirectory(Path.of(run.runDir()))) return Path.of(run.runDir());
    Optional<Path> folder = run.runId() == null ? Optional.empty() : runFiles.folder(run.runId());
    return folder.orElseThrow(() -> ApiException.of(404, "run '" + id + "' has no run folder yet"));
  }

  /**
   * Server-Sent Events of one run: {@code id}, {@code event} and {@code data} (the {@link RunEvent}
   * as JSON) per event, from after {@code Last-Event-ID} (header, or {@code lastEventId} query
   * parameter for clients that cannot set headers), closed after {@code ended}.
   */
  private void runEvents(Context ctx) {
    String id = ctx.pathParam("id");
    run(id);
    String accept = ctx.header("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      throw ApiException.of(406, "this is a Server-Sent Events stream: send Accept: text/event-stream");
    }
    String last = ctx.header("Last-Event-ID");
    if (last == null) last = ctx.queryParam("lastEventId");
    long after;
    try {
      after = last == null || last.isBlank() ? 0 : Long.parseLong(last.strip());
      if (after < 0) throw new NumberFormatException();
    } catch (NumberFormatException e) {
      throw ApiException.of(400, "Last-Event-ID must be an event id (a whole number >= 0), got '" + last + "'");
    }
    long resumeAfter = after;
    new SseHandler(client -> stream(client, id, resumeAfter)).handle(ctx);
  }

  private void stream(SseClient client, String runId, long after) {
    client.keepAlive();
    Optional<RunQueue.Subscription> subscription = runQueue.subscribe(runId, after, event -> {
      synchronized (client) {
        if (client.terminated()) return;
        client.sendEvent(event.type(), eventJson(event), Long.toString(event.id()));
        if ("ended".equals(event.type())) client.close();
      }
    });
    if (subscription.isEmpty()) {
      client.close();
      return;
    }
    var heartbeat = heartbeats.scheduleAtFixedRate(() -> {
      synchronized (client) {
        if (!client.terminated()) client.sendComment("keep-alive");
      }
    }, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    client.onClose(() -> {
      heartbeat.cancel(false);
      subscription.get().close();
    });
    if (client.terminated()) {
      heartbeat.cancel(false);
      subscription.get().close();
    }
  }

  private static String eventJson(RunEvent event) {
    try {
      return ApiJson.MAPPER.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- files ---

  private static void serveFile(Context ctx, Path folder, String relative) throws IOException {
    var lookup = FolderFiles.resolve(folder, relative);
    if (lookup instanceof FolderFiles.Refused refused) {
      throw ApiException.of(400, "refused path '" + relative + "': " + refused.reason());
    }
    if (!(lookup instanceof FolderFiles.Found found)) {
      throw ApiException.of(404, "no file '" + relative + "' in the run folder");
    }
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.contentType(FolderFiles.contentType(found.file()));
    ctx.result(Files.newInputStream(found.file()));
  }

  /** Stops the server (in-flight requests get a moment to finish), then closes the run queue and the experiments. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    heartbeats.shutdownNow();
    synchronized (this) {
      if (app != null) app.stop();
    }
    try {
      runQueue.close();
    } finally {
      experiments.close();
    }
  }
}
