package dev.reprise.master.safety;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.master.testbed.ContainerNet;
import dev.reprise.master.testbed.LocalEngine;
import dev.reprise.master.testbed.MasterJvm;
import dev.reprise.master.testbed.PrometheusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety loop end to end, on the local engine with a real {@code master run} JVM and a real
 * Prometheus server (scripts/setup-prometheus.sh) scraping the master's {@code --metrics-port} on
 * loopback every second:
 * <ul>
 *   <li>a partition cuts a workload from its server, the workload's own per-second lines show the
 *       errors, and the {@code abort_when} on their error rate aborts the run within seconds of the
 *       first failing line, the partition healed and nothing of it left in the namespace;
 *   <li>a Prometheus query over the master's own metrics sees the CPU fault and aborts the run, and
 *       the burner is gone;
 *   <li>a run under every threshold completes {@code ok}, and Prometheus holds its fault.
 * </ul>
 * The workload is a busybox shell loop (nc) against busybox httpd (both in the offline hello image), writing
 * the traffic generator's line format: the test needs no Cassandra.
 */
class SafetyIT {
  /** web serves one page; probe GETs it (nc) about twice a second and writes one workload line per request. */
  static final String COMPOSE = """
      version: "3.7"
      services:
        web:
          image: reprise/hello:latest
          entrypoint: ["/bin/sh", "-c", "mkdir -p /tmp/www && echo ok > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"]
          deploy: {endpoint_mode: dnsrr, restart_policy: {condition: none}}
        probe:
          image: reprise/hello:latest
          entrypoint:
            - /bin/sh
            - -c
            - |
              # ready first: the workload counts from when its server answers (setup is not load)
              ip=""
              until [ -n "$$ip" ]; do ip=$$(nslookup tasks.web 2>/dev/null | awk '/^Address/ && $$2 !~ /:/ {a=$$2} END {print a}'); [ -n "$$ip" ] || sleep 0.2; done
              get() { printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 1 "$$ip" 8080 2>/dev/null | grep -q '200 OK'; }
              until get; do sleep 0.2; done
              while :; do
                if get; then ok=1; failed=0; else ok=0; failed=1; fi
                echo "{\\"type\\":\\"traffic\\",\\"time\\":\\"$$(date -u +%Y-%m-%dT%H:%M:%SZ)\\",\\"interval_ms\\":500,\\"ops_ok\\":$$ok,\\"errors\\":{\\"timeout\\":$$failed},\\"latency_ms\\":{\\"p99\\":1.0}}"
                sleep 0.5
              done
          deploy: {endpoint_mode: dnsrr, restart_policy: {condition: none}}
      """;

  static final String PARTITION_TRIPS = """
      environment:
        seed: 3
        safety:
          max_fault_duration: 40s
          abort_when:
            - name: probe errors
              workload: {service: probe, metric: error_rate, above: 20%, window: 3s}
      events:
        - beginning: {web: 1, probe: 1}
        - moment:
            time: 8
            mark: "partition probe | web"
            services:
              probe:
                - fault: {target: {specific: [0]}, partition: {duration: 60s, peers: {web: all}}}
        - end: 80
      """;

  static final String CPU_SEEN_BY_PROMETHEUS = """
      environment:
        seed: 4
        safety:
          prometheus: %s
          abort_when:
            - name: cpu fault seen
              prometheus: {query: 'sum(reprise_faults_active{type="cpu"})', above: 0}
      events:
        - beginning: {web: 1}
        - moment:
            time: 4
            services:
              web:
                - fault: {target: {specific: [0]}, cpu: {duration: 50s, cores: 1}}
        - end: 70
      """;

  static final String UNDER_THRESHOLDS = """
      environment:
        seed: 5
        safety:
          prometheus: %s
          max_fault_duration: 10s
          abort_when:
            - name: probe errors
              workload: {service: probe, metric: error_rate, above: 20%%, window: 3s}
            - name: too many cpu faults
              prometheus: {query: 'sum(reprise_faults_active{type="cpu"})', above: 3}
      events:
        - beginning: {web: 1, probe: 1}
        - moment:
            time: 4
            services:
              web:
                - fault: {target: {specific: [0]}, cpu: {duration: 30s, cores: 1}}
        - end: 20
      """;

  @TempDir Path tmp;
  static DockerSwarmCluster docker;
  MasterJvm jvm;
  String name;
  PrometheusServer prometheus;

  @BeforeAll
  static void engine() {
    docker = LocalEngine.connectWithHello();
  }

  @AfterAll
  static void closeEngine() throws Exception {
    docker.close();
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (jvm != null) {
      MasterJvm.cleanUp(jvm, tmp.resolve("runs"), name,
          runId -> LocalEngine.removeStack(docker, runId).forEach(p -> System.err.println("SafetyIT cleanup: " + p)), "SafetyIT");
    }
    if (prometheus != null) prometheus.close();
  }

  @Test
  void aWorkloadErrorRateOverItsThresholdAbortsTheRunAndHealsThePartitionWithinSeconds() throws Exception {
    name = "safety-workload";
    jvm = MasterJvm.start(tmp, name, MasterJvm.writeScenario(tmp.resolve("scenario"), COMPOSE, PARTITION_TRIPS));
    String runId = jvm.awaitRunId();
    var probe = ContainerNet.await(runId + "_probe", Duration.ofMinutes(3));
    // what of Reprise's is in the probe's namespace, sampled until the container is gone
    var lastSeen = new AtomicReference<List<String>>(List.of());
    var sawRules = new java.util.concurrent.atomic.AtomicBoolean();
    while (jvm.process().isAlive()) {
      var now = ContainerNet.leftovers(probe.pid());
      if (!now.isEmpty()) sawRules.set(true);
      if (Files.exists(Path.of("/proc/" + probe.pid()))) lastSeen.set(now);
      Thread.sleep(250);
    }
    assertThat(jvm.process().waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(jvm.process().exitValue()).as("an aborted run exits 1; the master said:\n" + jvm.said()).isEqualTo(1);

    Path dir = jvm.runs().resolve(runId);
    JsonNode run = RecordJson.mapper().readTree(dir.resolve("run.json").toFile());
    assertThat(run.path("outcome").asText()).as(jvm.said()).isEqualTo("aborted");
    JsonNode trip = run.path("safety_trip");
    assertThat(trip.path("condition").asText()).isEqualTo("probe errors");
    assertThat(trip.path("kind").asText()).isEqualTo("workload");
    assertThat(trip.path("value").asDouble()).isGreaterThan(0.2);
    assertThat(trip.path("threshold").asDouble()).isEqualTo(0.2);
    assertThat(run.path("reason").asText()).contains("probe errors");

    var timeline = lines(dir.resolve("timeline.jsonl"));
    JsonNode applied = action(timeline, "partition");
    assertThat(applied.path("outcome").asText()).isEqualTo("ok");
    JsonNode healed = healOf(timeline, applied);
    assertThat(healed.path("outcome").asText()).isEqualTo("ok");

    // the first line the probe wrote with a failure, after the partition took effect (its time has whole seconds)
    Instant partitioned = Instant.parse(applied.path("actual").asText());
    Instant firstFailure = lines(dir.resolve("logs/probe.0.jsonl")).stream()
        .filter(l -> l.path("line").asText().contains("\"timeout\":1"))
        .map(l -> Instant.parse(l.path("time").asText())).filter(t -> !t.isBefore(partitioned.minusSeconds(1)))
        .findFirst().orElseThrow(() -> new AssertionError("the probe wrote no failing line after " + partitioned));
    Instant tripped = Instant.parse(trip.path("at").asText());
    Instant healedAt = Instant.parse(healed.path("actual").asText());
    System.out.printf(java.util.Locale.ROOT, "SafetyIT workload: partition at %s, first failing line %s, tripped +%d ms, healed +%d ms%n",
        partitioned, firstFailure, Duration.between(firstFailure, tripped).toMillis(), Duration.between(firstFailure, healedAt).toMillis());
    assertThat(tripped).as("tripped after the first failure").isAfterOrEqualTo(firstFailure.minusSeconds(1));
    assertThat(Duration.between(firstFailure, tripped)).as("trip after the first failing line").isLessThanOrEqualTo(Duration.ofSeconds(4));
    assertThat(Duration.between(tripped, healedAt)).as("heal after the trip").isLessThanOrEqualTo(Duration.ofSeconds(5));
    assertThat(healedAt).as("healed long before the partition's planned end").isBefore(partitioned.plusSeconds(30));

    assertThat(sawRules).as("the partition's rules were seen in the probe's namespace").isTrue();
    assertThat(lastSeen.get()).as("the probe's namespace when last seen").isEmpty();
    LocalEngine.assertStackGone(docker, runId);
  }

  @Test
  void aPrometheusQueryOverTheMastersMetricsAbortsACpuFaultAndTheBurnerIsGone() throws Exception {
    name = "safety-prometheus";
    int metricsPort = PrometheusServer.freePort();
    prometheus = PrometheusServer.start(tmp.resolve("prometheus"), List.of("127.0.0.1:" + metricsPort));
    Path scenario = MasterJvm.writeScenario(tmp.resolve("scenario"), COMPOSE, CPU_SEEN_BY_PROMETHEUS.formatted(prometheus.url()));
    jvm = MasterJvm.start(tmp, name, scenario, "--metrics-port", String.valueOf(metricsPort));
    String runId = jvm.awaitRunId();
    assertThat(jvm.process().waitFor(3, TimeUnit.MINUTES)).as(jvm.said()).isTrue();
    assertThat(jvm.process().exitValue()).as(jvm.said()).isEqualTo(1);

    Path dir = jvm.runs().resolve(runId);
    JsonNode run = RecordJson.mapper().readTree(dir.resolve("run.json").toFile());
    assertThat(run.path("outcome").asText()).as(jvm.said()).isEqualTo("aborted");
    assertThat(run.path("safety_trip").path("condition").asText()).isEqualTo("cpu fault seen");
    assertThat(run.path("safety_trip").path("kind").asText()).isEqualTo("prometheus");
    assertThat(run.path("safety_trip").path("value").asDouble()).isEqualTo(1.0);

    var timeline = lines(dir.resolve("timeline.jsonl"));
    JsonNode cpu = action(timeline, "cpu");
    Instant started = Instant.parse(cpu.path("actual").asText());
    Instant tripped = Instant.parse(run.path("safety_trip").path("at").asText());
    // a 1 s scrape, then a 1 s check: the trip follows the fault by a few seconds, long before its 50 s
    System.out.printf(java.util.Locale.ROOT, "SafetyIT prometheus: cpu fault at %s, tripped +%d ms%n", started,
        Duration.between(started, tripped).toMillis());
    assertThat(Duration.between(started, tripped)).isBetween(Duration.ZERO, Duration.ofSeconds(10));
    JsonNode healed = healOf(timeline, cpu);
    assertThat(Duration.between(tripped, Instant.parse(healed.path("actual").asText()))).isLessThanOrEqualTo(Duration.ofSeconds(5));
    assertThat(new dev.reprise.agent.runtime.LinuxHostOps().findMarked(dev.reprise.agent.runtime.HostOps.BURNER_PREFIX + "/" + runId))
        .as("burners of " + runId).isEmpty();

    // Prometheus kept the fault: the master's series over the run
    var series = prometheus.queryRange("reprise_faults_active{type=\"cpu\",service=\"web\"}", started.minusSeconds(5), tripped.plusSeconds(5));
    assertThat(series.toString()).as("Prometheus' view of the run").contains("\"1\"");
  }

  @Test
  void aRunUnderEveryThresholdCompletesOkAndPrometheusHoldsItsFault() throws Exception {
    name = "safety-ok";
    int metricsPort = PrometheusServer.freePort();
    prometheus = PrometheusServer.start(tmp.resolve("prometheus"), List.of("127.0.0.1:" + metricsPort));
    Path scenario = MasterJvm.writeScenario(tmp.resolve("scenario"), COMPOSE, UNDER_THRESHOLDS.formatted(prometheus.url()));
    jvm = MasterJvm.start(tmp, name, scenario, "--metrics-port", String.valueOf(metricsPort));
    String runId = jvm.awaitRunId();
    assertThat(jvm.process().waitFor(3, TimeUnit.MINUTES)).as(jvm.said()).isTrue();
    assertThat(jvm.process().exitValue()).as(jvm.said()).isZero();

    Path dir = jvm.runs().resolve(runId);
    JsonNode run = RecordJson.mapper().readTree(dir.resolve("run.json").toFile());
    assertThat(run.path("outcome").asText()).isEqualTo("ok");
    assertThat(run.has("safety_trip") && !run.path("safety_trip").isNull()).isFalse();
    var timeline = lines(dir.resolve("timeline.jsonl"));
    JsonNode cpu = action(timeline, "cpu");
    JsonNode healed = healOf(timeline, cpu);
    // max_fault_duration: 10s cut the 30 s fault
    long lasted = Duration.between(Instant.parse(cpu.path("actual").asText()), Instant.parse(healed.path("actual").asText())).toMillis();
    assertThat(lasted).as("the cpu fault lasted (ms), capped at 10 s").isBetween(9_000L, 13_000L);
    Instant started = Instant.parse(cpu.path("actual").asText());
    var series = prometheus.queryRange("reprise_faults_active{type=\"cpu\"}", started.minusSeconds(2), started.plusSeconds(12));
    assertThat(series.toString()).as("Prometheus' view of the run").contains("\"1\"");
  }

  /** The timeline's first action record of a {@code fault} fault. */
  static JsonNode action(List<JsonNode> timeline, String fault) {
    return timeline.stream().filter(t -> fault.equals(t.path("fault").asText()) && "action".equals(t.path("kind").asText()))
        .findFirst().orElseThrow(() -> new AssertionError("no " + fault + " action in " + timeline));
  }

  /** The timeline's heal record of {@code action}'s fault. */
  static JsonNode healOf(List<JsonNode> timeline, JsonNode action) {
    return timeline.stream().filter(t -> "heal".equals(t.path("kind").asText()) && t.path("seq").asInt() == action.path("seq").asInt())
        .findFirst().orElseThrow(() -> new AssertionError("no heal of " + action + " in " + timeline));
  }

  private static List<JsonNode> lines(Path file) throws Exception {
    var out = new ArrayList<JsonNode>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) out.add(RecordJson.mapper().readTree(line));
    }
    return out;
  }
}
