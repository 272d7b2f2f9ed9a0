package dev.reprise.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model-written summary against a stub OpenAI-compatible server on loopback (never a real service). */
class ModelSummaryTest {
  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach void stop() {
    release.countDown();
    if (server != null) server.stop(0);
  }

  static ComparisonFacts facts() {
    Comparison c = VerdictFixtures.comparison();
    return new ComparisonFacts(c, VerdictFixtures.faults(), 0.5, DataLoss.UNKNOWN,
        Verdict.of(VerdictFixtures.budgets("recovery_seconds < 15"), c, 0.5, DataLoss.UNKNOWN));
  }

  private URI start(int status, String answer, boolean hang, AtomicReference<String> body, AtomicReference<String> auth,
      AtomicReference<String> path) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      path.set(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " " + ex.getRequestHeaders().getFirst("Content-Type"));
      auth.set(ex.getRequestHeaders().getFirst("Authorization"));
      body.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      if (hang) {
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] out = answer.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(status, out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Test void sendsTheFactsAndWritesTheAnswer(@TempDir Path tmp) throws Exception {
    var body = new AtomicReference<String>();
    var auth = new AtomicReference<String>();
    var path = new AtomicReference<String>();
    URI base = start(200, "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"The kill took 7.8 s to recover.\"}}]}",
        false, body, auth, path);
    var r = new ModelSummary(new ModelSummary.Settings(base, "sk-test", "small-model", Duration.ofSeconds(30))).write(facts(), tmp);
    assertThat(r.warning()).isEmpty();
    assertThat(Files.readString(tmp.resolve("summary.ai.md"))).isEqualTo("The kill took 7.8 s to recover.\n");
    assertThat(path.get()).isEqualTo("POST /v1/chat/completions application/json");
    assertThat(auth.get()).isEqualTo("Bearer sk-test");
    JsonNode req = new ObjectMapper().readTree(body.get());
    assertThat(req.path("model").asText()).isEqualTo("small-model");
    assertThat(req.path("messages")).hasSize(2);
    assertThat(req.path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(req.path("messages").get(1).path("role").asText()).isEqualTo("user");
    String user = req.path("messages").get(1).path("content").asText();
    assertThat(user).startsWith("Facts (JSON):\n");
    JsonNode facts = new ObjectMapper().readTree(user.substring(user.indexOf('\n') + 1));
    assertThat(facts.path("run").asText()).isEqualTo("run");
    assertThat(facts.path("recoveries").get(0).path("recovery_seconds").asDouble()).isEqualTo(38 - 30.2,
        org.assertj.core.data.Offset.offset(1e-9));
    assertThat(facts.path("verdict").path("budgets").get(0).path("result").asText()).isEqualTo("PASS");
    assertThat(facts.path("data_loss").path("verified").asBoolean()).isFalse();
  }

  @Test void aTimeoutIsOneWarningAndNoFile(@TempDir Path tmp) throws Exception {
    URI base = start(200, "{}", true, new AtomicReference<>(), new AtomicReference<>(), new AtomicReference<>());
    var r = new ModelSummary(new ModelSummary.Settings(URI.create(base + "/v1"), null, "m", Duration.ofSeconds(1))).write(facts(), tmp);
    assertThat(r.file()).isEmpty();
    assertThat(r.warning().orElseThrow()).startsWith("model summary: no answer from " + base + "/v1/chat/completions within 1 s")
        .doesNotContain("\n");
    assertThat(tmp.resolve("summary.ai.md")).doesNotExist();
  }

  @Test void anErrorStatusOrABadAnswerIsOneWarning(@TempDir Path tmp) throws Exception {
    URI base = start(500, "oops", false, new AtomicReference<>(), new AtomicReference<>(), new AtomicReference<>());
    var r = new ModelSummary(new ModelSummary.Settings(base, null, "m", Duration.ofSeconds(30))).write(facts(), tmp);
    assertThat(r.warning().orElseThrow()).contains("answered HTTP 500");
    server.stop(0);
    var refused = new ModelSummary(new ModelSummary.Settings(base, null, "m", Duration.ofSeconds(30))).write(facts(), tmp);
    assertThat(refused.warning().orElseThrow()).startsWith("model summary: asking ");
    assertThat(tmp.resolve("summary.ai.md")).doesNotExist();
  }

  @Test void theCompletionsUrlFromAFullUrlOrABase() {
    for (String u : new String[] {"http://h:1", "http://h:1/", "http://h:1/v1", "http://h:1/v1/chat/completions"}) {
      assertThat(new ModelSummary.Settings(URI.create(u), null, "m", Duration.ofSeconds(1)).completionsUrl())
          .hasToString("http://h:1/v1/chat/completions");
    }
  }
}
