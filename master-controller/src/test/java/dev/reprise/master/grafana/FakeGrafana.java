package dev.reprise.master.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Grafana's annotations API as its documentation describes it, on 127.0.0.1 (Grafana itself is not
 * installable here): {@code POST /api/annotations} (JSON with {@code text} required, {@code time}
 * and {@code timeEnd} epoch ms, {@code tags} strings, {@code dashboardUID}, {@code dashboardId},
 * {@code panelId}; anything else is refused, to catch a misspelt field) answers
 * {@code {"id":N,"message":"Annotation added"}}; {@code PATCH /api/annotations/{id}} (any of
 * {@code time, timeEnd, text, tags}) answers {@code {"message":"Annotation patched"}};
 * {@code DELETE /api/annotations/{id}} {@code {"message":"Annotation deleted"}}. Without
 * {@code Authorization: Bearer <token>}: 401 {@code {"message":"Unauthorized"}}. Every request is
 * kept, bad ones too. {@link #hold()} makes it wait before answering, until {@link #release()}.
 */
final class FakeGrafana implements AutoCloseable {
  /** A request as received: method, path, body (null without one). */
  record Request(String method, String path, JsonNode body, String authorization, String contentType) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern BY_ID = Pattern.compile("/api/annotations/(\\d+)");
  private static final Set<String> POST_FIELDS = Set.of("dashboardUID", "dashboardId", "panelId", "time", "timeEnd", "tags", "text");
  private static final Set<String> PATCH_FIELDS = Set.of("time", "timeEnd", "text", "tags");

  private final HttpServer server;
  private final String token;
  private final List<Request> requests = new ArrayList<>();
  private final AtomicLong nextId = new AtomicLong(100);
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile int failWith;

  FakeGrafana(String token) throws IOException {
    this.token = token;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Every request so far, in arrival order. */
  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  void hold() {
    gate = new CountDownLatch(1);
  }

  void release() {
    gate.countDown();
  }

  /** Answers every later request with this status (0: normally). */
  void failWith(int status) {
    failWith = status;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getPath();
      byte[] raw = ex.getRequestBody().readAllBytes();
      JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      synchronized (this) {
        requests.add(new Request(method, path, body, auth, ex.getRequestHeaders().getFirst("Content-Type")));
      }
      try {
        if (!gate.await(30, TimeUnit.SECONDS)) throw new IOException("held for 30 s");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (failWith != 0) {
        answer(ex, failWith, "{\"message\":\"Internal Server Error\"}");
        return;
      }
      if (!("Bearer " + token).equals(auth)) {
        answer(ex, 401, "{\"message\":\"Unauthorized\"}");
        return;
      }
      var byId = BY_ID.matcher(path);
      if (path.equals("/api/annotations") && method.equals("POST")) {
        String problem = checkFields(body, POST_FIELDS);
        if (problem == null && (body.get("text") == null || !body.get("text").isTextual())) problem = "text is required";
        if (problem != null) {
          answer(ex, 400, "{\"message\":\"" + problem + "\"}");
          return;
        }
        answer(ex, 200, "{\"id\":" + nextId.getAndIncrement() + ",\"message\":\"Annotation added\"}");
      } else if (byId.matches() && method.equals("PATCH")) {
        String problem = checkFields(body, PATCH_FIELDS);
        if (problem != null) {
          answer(ex, 400, "{\"message\":\"" + problem + "\"}");
          return;
        }
        answer(ex, 200, "{\"message\":\"Annotation patched\"}");
      } else if (byId.matches() && method.equals("DELETE")) {
        answer(ex, 200, "{\"message\":\"Annotation deleted\"}");
      } else {
        answer(ex, 404, "{\"message\":\"Not found\"}");
      }
    }
  }

  /** Null when {@code body} is an object of only {@code allowed} fields of the documented types. */
  private static String checkFields(JsonNode body, Set<String> allowed) {
    if (body == null || !body.isObject()) return "bad request data";
    var names = body.fieldNames();
    while (names.hasNext()) {
      String f = names.next();
      JsonNode v = body.get(f);
      if (!allowed.contains(f)) return "unknown field " + f;
      boolean ok = switch (f) {
        case "time", "timeEnd", "dashboardId", "panelId" -> v.isIntegralNumber();
        case "tags" -> v.isArray() && iterable(v).stream().allMatch(JsonNode::isTextual);
        default -> v.isTextual();
      };
      if (!ok) return "bad type of " + f;
    }
    return null;
  }

  private static List<JsonNode> iterable(JsonNode array) {
    var list = new ArrayList<JsonNode>();
    array.forEach(list::add);
    return list;
  }

  private static void answer(HttpExchange ex, int status, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  @Override
  public void close() {
    release();
    server.stop(0);
  }
}
