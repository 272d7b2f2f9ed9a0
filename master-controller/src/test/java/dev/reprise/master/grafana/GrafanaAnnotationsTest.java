package dev.reprise.master.grafana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.fdsl.model.CpuFault;
import dev.reprise.fdsl.model.Grafana;
import dev.reprise.fdsl.model.KillFault;
import dev.reprise.fdsl.model.PauseFault;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.MarkAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.master.run.Outcome;
import dev.reprise.master.run.RunCoordinator;
import dev.reprise.time.ManualTime;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GrafanaAnnotations against a fake of Grafana's annotations API on loopback (Grafana is not installable here). */
class GrafanaAnnotationsTest {
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  static final long T0_MS = T0.toEpochMilli();
  static final String RUN = "demo-20261201-095955";
  /** mark at 0; cpu on cassandra [0] at 10 s for 30 s; pause on web [1] at 20 s for 5 s; kill cassandra [1] at 50 s. */
  static final Plan PLAN = new Plan(7, 60_000, new TreeMap<>(Map.of("cassandra", 2, "web", 2)), List.of(
      new MarkAction(0, 0, 0, "go"),
      new FaultAction(1, 1, 10_000, "cassandra", List.of(0), new CpuFault(30_000, 2)),
      new FaultAction(2, 2, 20_000, "web", List.of(1), new PauseFault(5_000)),
      new FaultAction(3, 3, 50_000, "cassandra", List.of(1), new KillFault())), List.of());

  final ManualTime time = new ManualTime(T0.minusSeconds(5));
  final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
  FakeGrafana grafana;
  GrafanaAnnotations annotations;

  GrafanaAnnotations annotations(URI url, String dashboardUid) {
    return new GrafanaAnnotations(new GrafanaAnnotations.Target(url, "s3cret", dashboardUid), PLAN, "demo", time,
        warnings::add, java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
        Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    if (annotations != null) annotations.close();
    if (grafana != null) grafana.close();
  }

  void runUntil(long stopMillis, Outcome outcome) {
    annotations.deploying(RUN, Path.of("runs", RUN));
    annotations.armed(T0, Map.of("h1", new AgentMessage.Armed(0, null)));
    time.advanceTo(T0.plusMillis(stopMillis));
    annotations.agentEnded("h1", new AgentMessage.Ended(outcome.word(), null, 1), stopMillis);
    time.advance(Duration.ofSeconds(2)); // removing the stack, exporting
    annotations.ended(new RunCoordinator.Result(outcome, outcome == Outcome.OK ? null : "user", Path.of("runs", RUN)));
  }

  static List<String> tags(JsonNode body) {
    var list = new ArrayList<String>();
    body.get("tags").forEach(t -> list.add(t.asText()));
    return list;
  }

  @Test
  void posts_each_fault_window_as_a_region_and_each_mark_as_a_point() throws Exception {
    grafana = new FakeGrafana("s3cret");
    annotations = annotations(URI.create(grafana.url() + "/"), "reprise-run");
    runUntil(60_000, Outcome.OK);
    annotations.close();

    var requests = grafana.requests();
    assertThat(requests).extracting(FakeGrafana.Request::method).containsOnly("POST");
    assertThat(requests).extracting(FakeGrafana.Request::path).containsOnly("/api/annotations");
    assertThat(requests).extracting(FakeGrafana.Request::authorization).containsOnly("Bearer s3cret");
    assertThat(requests).extracting(FakeGrafana.Request::contentType).containsOnly("application/json");
    assertThat(requests).hasSize(4);

    JsonNode mark = requests.get(0).body();
    assertThat(mark.get("dashboardUID").asText()).isEqualTo("reprise-run");
    assertThat(mark.get("time").asLong()).isEqualTo(T0_MS);
    assertThat(mark.has("timeEnd")).isFalse();
    assertThat(tags(mark)).containsExactly("reprise", "run:" + RUN, "mark");
    assertThat(mark.get("text").asText()).isEqualTo("go (run " + RUN + ")");

    JsonNode cpu = requests.get(1).body();
    assertThat(cpu.get("time").asLong()).isEqualTo(T0_MS + 10_000);
    assertThat(cpu.get("timeEnd").asLong()).isEqualTo(T0_MS + 40_000);
    assertThat(tags(cpu)).containsExactly("reprise", "run:" + RUN, "fault:cpu", "service:cassandra");
    assertThat(cpu.get("text").asText()).isEqualTo("cpu x2 30s on cassandra [0] (run " + RUN + ")");

    JsonNode pause = requests.get(2).body();
    assertThat(pause.get("time").asLong()).isEqualTo(T0_MS + 20_000);
    assertThat(pause.get("timeEnd").asLong()).isEqualTo(T0_MS + 25_000);
    assertThat(tags(pause)).containsExactly("reprise", "run:" + RUN, "fault:pause", "service:web");

    JsonNode kill = requests.get(3).body();
    assertThat(kill.get("time").asLong()).isEqualTo(T0_MS + 50_000);
    assertThat(kill.has("timeEnd")).isFalse();
    assertThat(tags(kill)).containsExactly("reprise", "run:" + RUN, "fault:kill", "service:cassandra");
    assertThat(warnings).isEmpty();
  }

  @Test
  void an_aborted_run_corrects_the_open_window_and_removes_what_never_happened() throws Exception {
    grafana = new FakeGrafana("s3cret");
    annotations = annotations(grafana.url(), null);
    runUntil(30_000, Outcome.ABORTED); // the agent ended (healed) at 30 s: cpu was on until then, kill never fired
    annotations.close();

    var requests = grafana.requests();
    assertThat(requests).extracting(r -> r.method() + " " + r.path()).containsExactly(
        "POST /api/annotations", "POST /api/annotations", "POST /api/annotations", "POST /api/annotations",
        "PATCH /api/annotations/101", "DELETE /api/annotations/103");
    assertThat(requests.get(0).body().has("dashboardUID")).isFalse();
    JsonNode patch = requests.get(4).body();
    assertThat(patch.get("timeEnd").asLong()).isEqualTo(T0_MS + 30_000);
    assertThat(patch.has("time")).isFalse();
    assertThat(patch.get("text").asText())
        .isEqualTo("cpu x2 30s on cassandra [0] (run " + RUN + ") — healed early at 30.0 s: the run aborted");
    assertThat(requests.get(5).body()).isNull();
    assertThat(requests).extracting(FakeGrafana.Request::authorization).containsOnly("Bearer s3cret");
    assertThat(warnings).isEmpty();
  }

  @Test
  void the_run_thread_never_waits_for_grafana() throws Exception {
    grafana = new FakeGrafana("s3cret");
    grafana.hold();
    annotations = annotations(grafana.url(), null);
    runUntil(30_000, Outcome.ABORTED); // returns although Grafana has not answered the first POST
    assertThat(grafana.requests()).hasSizeLessThanOrEqualTo(1);
    grafana.release();
    annotations.close();
    assertThat(grafana.requests()).hasSize(6);
  }

  @Test
  void each_failed_request_is_one_warning_and_nothing_more() throws Exception {
    grafana = new FakeGrafana("s3cret");
    grafana.failWith(500);
    annotations = annotations(grafana.url(), null);
    runUntil(30_000, Outcome.ABORTED);
    annotations.close();
    // the four POSTs failed: no IDs, so no PATCH or DELETE is attempted
    assertThat(grafana.requests()).hasSize(4);
    assertThat(warnings).hasSize(4);
    assertThat(warnings.get(1)).isEqualTo("warning: grafana: could not add the annotation for cpu on cassandra at 10.0 s: "
        + "POST " + grafana.url() + "/api/annotations answered HTTP 500: Internal Server Error");
  }

  @Test
  void a_wrong_token_and_an_unreachable_grafana_are_warnings_too() throws Exception {
    grafana = new FakeGrafana("other");
    annotations = annotations(grafana.url(), null);
    runUntil(60_000, Outcome.OK);
    annotations.close();
    assertThat(warnings).hasSize(4).allMatch(w -> w.endsWith("answered HTTP 401: Unauthorized"));

    warnings.clear();
    int closedPort;
    try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    annotations = annotations(URI.create("http://127.0.0.1:" + closedPort), null);
    runUntil(60_000, Outcome.OK);
    annotations.close();
    assertThat(warnings).hasSize(4).allMatch(w -> w.startsWith("warning: grafana: could not add the annotation for ")
        && w.contains("POST http://127.0.0.1:" + closedPort + "/api/annotations: "));
  }

  @Test
  void the_token_comes_from_the_token_file_else_from_grafana_token(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("grafana.token"), "glsa_abc\n");
    var fromFile = GrafanaAnnotations.Target.of(new Grafana("http://grafana:3000/", "grafana.token", "uid1"), dir, Map.of());
    assertThat(fromFile).isEqualTo(new GrafanaAnnotations.Target(URI.create("http://grafana:3000"), "glsa_abc", "uid1"));
    var fromEnv = GrafanaAnnotations.Target.of(new Grafana("https://g.example", null, null), dir, Map.of("GRAFANA_TOKEN", "t"));
    assertThat(fromEnv.token()).isEqualTo("t");
    assertThatThrownBy(() -> GrafanaAnnotations.Target.of(new Grafana("https://g.example", null, null), dir, Map.of()))
        .hasMessage("environment.grafana: no token_file given and GRAFANA_TOKEN is not set");
    assertThatThrownBy(() -> GrafanaAnnotations.Target.of(new Grafana("https://g.example", "missing", null), dir, Map.of()))
        .hasMessageStartingWith("environment.grafana: cannot read token_file " + dir.resolve("missing"));
    assertThatThrownBy(() -> GrafanaAnnotations.Target.of(new Grafana("grafana:3000", null, null), dir, Map.of("GRAFANA_TOKEN", "t")))
        .hasMessage("environment.grafana: url 'grafana:3000' must start with http:// or https://");
  }
}
