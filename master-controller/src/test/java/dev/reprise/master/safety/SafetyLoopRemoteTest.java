package dev.reprise.master.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.model.AbortCondition;
import dev.reprise.fdsl.model.AbortCondition.Comparison;
import dev.reprise.fdsl.model.AbortCondition.IfUnavailable;
import dev.reprise.fdsl.model.Safety;
import dev.reprise.fdsl.source.SourcePos;
import dev.reprise.time.ManualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Prometheus and HTTP conditions through fakes of their ports, check by check on a manual clock. */
class SafetyLoopRemoteTest {
  static final Instant T = Instant.parse("2026-12-03T06:00:00Z");
  static final String PROM = "http://127.0.0.1:9090";

  final ManualTime time = new ManualTime(T);
  final Fakes.FakePrometheus prometheus = new Fakes.FakePrometheus();
  final Fakes.FakeHttp http = new Fakes.FakeHttp();
  final Fakes.RecordingAborter aborter = new Fakes.RecordingAborter();
  final Fakes.Messages messages = new Fakes.Messages();
  ExecutorService pool;

  @AfterEach
  void stopPool() {
    if (pool != null) pool.shutdownNow();
  }

  static AbortCondition.PrometheusQuery query(String name, String url, String expr, Comparison comparison,
      double threshold, long forMillis, IfUnavailable ifUnavailable) {
    return new AbortCondition.PrometheusQuery(name, url, expr, comparison, threshold, forMillis, ifUnavailable,
        SourcePos.NONE);
  }

  static AbortCondition.HttpCheck httpCheck(String name, String url, long timeoutMillis, long forMillis,
      IfUnavailable ifUnavailable) {
    return new AbortCondition.HttpCheck(name, url, timeoutMillis, forMillis, ifUnavailable, SourcePos.NONE);
  }

  SafetyLoop loop(long intervalMillis, Executor executor, AbortCondition... conditions) {
    var safety = new Safety(null, List.of(), List.of(conditions), PROM, intervalMillis, SourcePos.NONE);
    var loop = new SafetyLoop(safety, time, prometheus, http, messages, false, executor);
    loop.attached(aborter);
    loop.armed(T, Map.of());
    return loop;
  }

  SafetyLoop loop(AbortCondition... conditions) {
    return loop(1_000, Runnable::run, conditions);
  }

  void check(SafetyLoop loop) {
    time.advance(Duration.ofSeconds(1));
    loop.checkOnce();
  }

  @Test
  void prometheusTripsWhenAnySampleComparesTrueWithTheMostExtremeAsTheValue() {
    var loop = loop(query("replication lag", null, "pg_lag_seconds", Comparison.ABOVE, 10, 0, IfUnavailable.WARN));
    prometheus.answer("pg_lag_seconds", 1, 2);
    check(loop);
    assertThat(aborter.reasons).isEmpty();
    prometheus.answer("pg_lag_seconds", 3, 42.5, 11);
    check(loop);
    assertThat(aborter.trips).hasSize(1);
    var trip = aborter.trips.get(0);
    assertThat(trip.condition()).isEqualTo("replication lag");
    assertThat(trip.kind()).isEqualTo("prometheus");
    assertThat(trip.value()).isEqualTo(42.5);
    assertThat(trip.threshold()).isEqualTo(10.0);
    assertThat(trip.at()).isEqualTo(T.plusSeconds(2));
    assertThat(trip.detail()).startsWith("safety: replication lag: 42.5 above 10 (prometheus pg_lag_seconds at "
        + PROM + ", series {instance=db-1} (3 series))");
    // the condition has no url of its own: environment.safety.prometheus_url; wait min(2 s, interval)
    assertThat(prometheus.calls).containsOnly("query " + PROM + " pg_lag_seconds timeout 1000ms");
  }

  @Test
  void prometheusBelowComparesTheSmallestAndAnEmptyVectorDoesNotHold() {
    var loop = loop(query("db down", "http://prom:9090", "up{job=\"db\"}", Comparison.BELOW, 1, 0, IfUnavailable.ABORT));
    for (int i = 0; i < 5; i++) check(loop); // empty vector: as an alert rule, nothing fires
    prometheus.answer("up{job=\"db\"}", 1, 1);
    check(loop);
    assertThat(aborter.reasons).isEmpty();
    assertThat(messages.lines).isEmpty();
    prometheus.answer("up{job=\"db\"}", 1, 0);
    check(loop);
    assertThat(aborter.trips).hasSize(1);
    assertThat(aborter.trips.get(0).value()).isEqualTo(0.0);
    assertThat(prometheus.calls.get(0)).startsWith("query http://prom:9090 ");
  }

  @Test
  void prometheusUnavailableWithWarnIsOneWarningAndOneRecoveryNeverATrip() {
    var loop = loop(query("lag", null, "lag", Comparison.ABOVE, 10, 0, IfUnavailable.WARN));
    prometheus.fail("lag", "Prometheus: cannot connect to http://127.0.0.1:9090/api/v1/query?query=lag (connection refused)");
    for (int i = 0; i < 10; i++) check(loop);
    prometheus.answer("lag", 1);
    for (int i = 0; i < 3; i++) check(loop);
    assertThat(aborter.reasons).isEmpty();
    assertThat(messages.lines).containsExactly(
        "WARNING warning: safety: lag: Prometheus: cannot connect to http://127.0.0.1:9090/api/v1/query?query=lag"
            + " (connection refused) (the condition does not hold meanwhile)",
        "INFO safety: lag: answering again");
  }

  @Test
  void prometheusUnavailableWithAbortTripsAfterForWithoutAValue() {
    var loop = loop(query("lag", null, "lag", Comparison.ABOVE, 10, 3_000, IfUnavailable.ABORT));
    prometheus.fail("lag", "Prometheus answered HTTP 503: Service Unavailable");
    for (int i = 0; i < 3; i++) check(loop);
    assertThat(aborter.reasons).isEmpty();
    check(loop);
    check(loop);
    assertThat(aborter.trips).hasSize(1);
    var trip = aborter.trips.get(0);
    assertThat(trip.value()).isNull();
    assertThat(trip.at()).isEqualTo(T.plusSeconds(4));
    assertThat(trip.detail()).startsWith("safety: lag: unavailable for 3 s: Prometheus answered HTTP 503: Service Unavailable");
  }

  @Test
  void withAbortAHoldingRunGoesOnThroughAnUnavailableCheck() {
    var loop = loop(query("lag", null, "lag", Comparison.ABOVE, 10, 2_000, IfUnavailable.ABORT));
    prometheus.answer("lag", 50);
    check(loop);
    prometheus.fail("lag", "no answer within 1000 ms");
    check(loop);
    assertThat(aborter.reasons).isEmpty();
    prometheus.answer("lag", 50);
    check(loop);
    assertThat(aborter.trips).hasSize(1);
    assertThat(aborter.trips.get(0).value()).isEqualTo(50.0);
    assertThat(loop.tripped().orElseThrow().firstHeldAt()).isEqualTo(T.plusSeconds(1));
  }

  @Test
  void httpNon2xxHoldsWithTheStatusAsTheValue() {
    var loop = loop(httpCheck("health", "http://127.0.0.1:8080/health", 5_000, 1_000, IfUnavailable.WARN));
    check(loop);
    http.answers.put("http://127.0.0.1:8080/health", new HttpProbe.Result.Status(503));
    check(loop);
    http.answers.put("http://127.0.0.1:8080/health", new HttpProbe.Result.Status(204));
    check(loop);
    http.answers.put("http://127.0.0.1:8080/health", new HttpProbe.Result.Status(503));
    check(loop);
    assertThat(aborter.reasons).as("503 once, then 2xx: held for 0 s only").isEmpty();
    check(loop);
    assertThat(aborter.trips).hasSize(1);
    var trip = aborter.trips.get(0);
    assertThat(trip.kind()).isEqualTo("http");
    assertThat(trip.value()).isEqualTo(503.0);
    assertThat(trip.threshold()).isNull();
    assertThat(trip.detail()).isEqualTo("safety: health: HTTP 503 (not 2xx) for 1 s (GET http://127.0.0.1:8080/health)");
    // its own 5 s timeout is capped at the 1 s interval
    assertThat(http.calls).containsOnly("get http://127.0.0.1:8080/health timeout 1000ms");
  }

  @Test
  void httpConnectionErrorIsUnavailable() {
    var loop = loop(httpCheck("health", "http://127.0.0.1:1/health", 500, 0, IfUnavailable.WARN));
    http.answers.put("http://127.0.0.1:1/health", new HttpProbe.Result.Unavailable("cannot connect to http://127.0.0.1:1/health"));
    for (int i = 0; i < 4; i++) check(loop);
    assertThat(aborter.reasons).isEmpty();
    assertThat(messages.lines).containsExactly("WARNING warning: safety: health: cannot connect to http://127.0.0.1:1/health"
        + " (the condition does not hold meanwhile)");
    assertThat(http.calls).allMatch(c -> c.endsWith("timeout 500ms"));
  }

  @Test
  void theFirstTripWinsAndAbortsExactlyOnce() {
    var loop = loop(
        httpCheck("health", "http://127.0.0.1:8080/health", 1_000, 0, IfUnavailable.WARN),
        query("lag", null, "lag", Comparison.ABOVE, 10, 0, IfUnavailable.WARN));
    http.answers.put("http://127.0.0.1:8080/health", new HttpProbe.Result.Status(500));
    prometheus.answer("lag", 99);
    for (int i = 0; i < 5; i++) check(loop);
    assertThat(aborter.trips).hasSize(1);
    assertThat(aborter.trips.get(0).condition()).as("conditions are judged in the order written").isEqualTo("health");
    assertThat(http.calls).hasSize(1);
    assertThat(prometheus.calls).hasSize(1);
    assertThat(messages.lines).hasSize(1).allMatch(l -> l.startsWith("ERROR error: safety: health: HTTP 500"));
  }

  @Test
  void aStuckSourceDoesNotStallTheCheckPastItsTimeoutAndIsNotAskedAgain() throws Exception {
    pool = Executors.newCachedThreadPool();
    var loop = loop(100, pool, query("lag", null, "lag", Comparison.ABOVE, 10, 0, IfUnavailable.WARN),
        httpCheck("health", "http://127.0.0.1:8080/health", 1_000, 0, IfUnavailable.WARN));
    prometheus.gate = new CountDownLatch(1);
    long start = System.nanoTime();
    loop.checkOnce();
    loop.checkOnce();
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    // each check waits the query's timeout (min(2 s, 100 ms interval)) plus the grace, not for ever
    assertThat(tookMillis).isLessThan(10_000);
    assertThat(prometheus.calls).as("not sent again while unanswered").hasSize(1);
    assertThat(http.calls).hasSize(2);
    assertThat(messages.lines).containsExactly(
        "WARNING warning: safety: lag: no answer within 100 ms (the condition does not hold meanwhile)");
    prometheus.gate.countDown();
    prometheus.gate = null;
    prometheus.answer("lag", 1);
    // the stale answer of the stuck query is not this check's: a new query is sent once it completed
    var deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (prometheus.calls.size() < 2 && System.nanoTime() < deadline) loop.checkOnce();
    assertThat(prometheus.calls).hasSize(2);
    assertThat(aborter.reasons).isEmpty();
  }
}
