package dev.reprise.master.runqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reprise.master.campaign.RunLauncher;
import dev.reprise.master.catalog.Catalogs;
import dev.reprise.master.catalog.JdbcRunCatalog;
import dev.reprise.master.run.RunCoordinator;
import dev.reprise.master.run.RunListener;
import dev.reprise.time.ManualTime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentRunQueueTest {
  static final String SCENARIO = """
      environment:
        seed: 7
      events:
        - beginning:
            web: 2
        - moment:
            time: 2
            services:
              web:
                - fault:
                    target:
                      specific: [0]
                    kill:
        - end: 5
      """;
  static final String COMPOSE = """
      services:
        web:
          image: reprise/hello:latest
      """;

  @TempDir Path tmp;
  final ManualTime time = new ManualTime(Instant.parse("2026-12-03T15:00:00Z"));

  /** Records launches as strings; each run ends when the test says so (or when aborted). */
  static final class FakeLauncher implements QueueLauncher {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<String, CompletableFuture<RunLauncher.Result>> ends = new ConcurrentHashMap<>();
    final Map<String, QueueLauncher.Launch> launches = new ConcurrentHashMap<>();
    volatile boolean blockUntilEnded = true;
    volatile boolean dies;

    @Override
    public RunLauncher.Result launch(Launch launch) throws InterruptedException {
      calls.add("launch " + launch.name() + " seed " + launch.seed());
      launches.put(launch.name(), launch);
      var l = launch.listener();
      l.stateChanged(RunCoordinator.State.NEW, RunCoordinator.State.CHECKING_ENGINE);
      Path dir = launch.outDir().resolve(launch.name() + "-folder");
      l.deploying(launch.name() + "-folder", dir);
      l.message(RunListener.Level.INFO, "hello from " + launch.name());
      var end = ends.computeIfAbsent(launch.name(), k -> new CompletableFuture<>());
      if (!blockUntilEnded) end.complete(new RunLauncher.Result("ok", null, dir));
      try {
        // a dying server's worker never comes back (it stands for a process that was killed)
        var r = dies ? end.get() : end.get(60, TimeUnit.SECONDS);
        calls.add("ended " + launch.name() + " " + r.outcome());
        return r;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(e);
      }
    }

    void end(String name, String outcome) {
      ends.computeIfAbsent(name, k -> new CompletableFuture<>())
          .complete(new RunLauncher.Result(outcome, outcome.equals("ok") ? null : "because", Path.of("/runs/" + name)));
    }

    @Override
    public void abort(Launch launch, String reason) {
      calls.add("abort " + launch.name() + ": " + reason);
      end(launch.name(), "aborted");
    }

    @Override
    public List<String> removeLeftovers(String runId) {
      calls.add("remove stack " + runId);
      return List.of();
    }

    @Override
    public String cluster() {
      return "local";
    }
  }

  final FakeLauncher launcher = new FakeLauncher();

  PersistentRunQueue fileQueue() throws Exception {
    return new PersistentRunQueue(tmp.resolve("state"), tmp.resolve("runs"), new FileQueueStore(tmp.resolve("state")), launcher,
        time, Map.of(), s -> {});
  }

  static RunSubmission submission(String name) {
    return new RunSubmission(name, SCENARIO, COMPOSE, Map.of(), null);
  }

  static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) throw new AssertionError("timed out waiting for " + what);
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  QueueState state(RunQueue q, String id) {
    return q.get(id).orElseThrow().state();
  }

  @Test
  void runsOneAtATimeInSubmissionOrder() throws Exception {
    try (var q = fileQueue()) {
      var a = q.submit(submission("a"));
      var b = q.submit(submission("b"));
      assertEquals(QueueState.QUEUED, b.state());
      waitFor(() -> launcher.calls.contains("launch a seed 7"), "a to start");
      // the launcher hears of the run before the queue has recorded its folder: wait for that too
      waitFor(() -> "a-folder".equals(q.get(a.id()).orElseThrow().runId()), "a's run folder to be recorded");
      assertEquals(QueueState.RUNNING, state(q, a.id()));
      assertEquals(QueueState.QUEUED, state(q, b.id()));
      launcher.end("a", "ok");
      waitFor(() -> launcher.calls.contains("launch b seed 7"), "b to start");
      launcher.end("b", "failed");
      waitFor(() -> state(q, b.id()).isFinal(), "b to end");
      assertEquals(List.of("launch a seed 7", "ended a ok", "launch b seed 7", "ended b failed"), launcher.calls);
      assertEquals(QueueState.SUCCEEDED, state(q, a.id()));
      assertEquals(QueueState.FAILED, state(q, b.id()));
      assertEquals(List.of(b.id(), a.id()), q.list().stream().map(QueuedRun::id).toList());
      assertEquals(1, q.get(a.id()).orElseThrow().actionsPlanned());
    }
  }

  @Test
  void everyProblemAtOnceWithPositions() throws Exception {
    String badScenario = SCENARIO.replace("web: 2", "nosuch: 2");
    String badCompose = """
        services:
          web:
            image: reprise/hello:latest
            deploy:
              mode: global
        """;
    try (var q = fileQueue()) {
      var e = assertThrows(SubmissionException.class,
          () -> q.submit(new RunSubmission("x", badScenario, badCompose, Map.of("../evil.sh", new byte[0]), null)));
      var fields = e.problems().stream().map(SubmissionException.Problem::field).toList();
      assertTrue(fields.contains("faultFiles.../evil.sh"), fields.toString());
      assertTrue(fields.contains("scenario"), e.problems().toString());
      for (var p : e.problems()) {
        if (p.field().equals("scenario")) {
          assertEquals("scenario.yaml", p.file());
          assertTrue(p.line() > 0 && p.column() > 0, p.toString());
        }
        assertTrue(!p.message().contains(tmp.toString()), p.message());
      }
      var compose = assertThrows(SubmissionException.class,
          () -> q.submit(new RunSubmission("x", SCENARIO, badCompose, Map.of(), null)));
      var p = compose.problems().get(0);
      assertEquals("compose", p.field(), compose.problems().toString());
      assertEquals("docker-compose.yml", p.file());
      assertEquals(5, p.line(), p.toString());
      assertEquals(13, p.column(), p.toString());
      assertTrue(q.list().isEmpty());
      assertEquals(0, Files.list(tmp.resolve("state").resolve("submissions")).count(), "refused submissions leave no folder");
    }
  }

  @Test
  void faultFileNamesArePlainNames() throws Exception {
    try (var q = fileQueue()) {
      for (String bad : List.of("a/b.sh", "..", ".hidden", "x/../y", "/abs")) {
        var e = assertThrows(SubmissionException.class,
            () -> q.submit(new RunSubmission("x", SCENARIO, COMPOSE, Map.of(bad, new byte[] {1}), null)));
        assertEquals("faultFiles." + bad, e.problems().get(0).field(), bad);
      }
      launcher.blockUntilEnded = false;
      var ok = q.submit(new RunSubmission("x", SCENARIO, COMPOSE, Map.of("say-hello.sh", "echo hi".getBytes()), null));
      assertEquals("echo hi", Files.readString(tmp.resolve("state/submissions/" + ok.id() + "/faults/say-hello.sh")));
    }
  }

  @Test
  void abortQueuedAndRunning() throws Exception {
    try (var q = fileQueue()) {
      var a = q.submit(submission("a"));
      var b = q.submit(submission("b"));
      waitFor(() -> launcher.calls.contains("launch a seed 7"), "a to start");
      assertEquals(QueueState.ABORTED, q.abort(b.id()).orElseThrow().state());
      q.abort(a.id());
      waitFor(() -> state(q, a.id()).isFinal(), "a to end");
      assertEquals(QueueState.ABORTED, state(q, a.id()));
      assertTrue(launcher.calls.contains("abort a: " + PersistentRunQueue.ABORT_REASON), launcher.calls.toString());
      assertTrue(q.abort("nope").isEmpty());
      assertEquals(List.of("launch a seed 7", "abort a: aborted over the control plane", "ended a aborted"), launcher.calls);
    }
  }

  @Test
  void eventsInOrderReplayedAfterAnIdAndAfterTheEnd() throws Exception {
    try (var q = fileQueue()) {
      var a = q.submit(submission("a"));
      var live = new CopyOnWriteArrayList<RunEvent>();
      var done = new CountDownLatch(1);
      q.subscribe(a.id(), 0, e -> {
        live.add(e);
        if (e.type().equals("ended")) done.countDown();
      }).orElseThrow();
      waitFor(() -> launcher.calls.contains("launch a seed 7"), "a to start");
      launcher.end("a", "ok");
      assertTrue(done.await(30, TimeUnit.SECONDS));
      var types = live.stream().map(RunEvent::type).toList();
      assertEquals(List.of("queued", "message", "state", "deploying", "message", "ended"), types);
      for (int i = 0; i < live.size(); i++) assertEquals(i + 1, live.get(i).id());
      assertEquals("ok", live.get(live.size() - 1).data().get("outcome"));
      assertEquals("/runs/a", live.get(live.size() - 1).data().get("runDir"));

      var after = new CopyOnWriteArrayList<RunEvent>();
      var done2 = new CountDownLatch(1);
      q.subscribe(a.id(), 3, e -> {
        after.add(e);
        if (e.type().equals("ended")) done2.countDown();
      });
      assertTrue(done2.await(30, TimeUnit.SECONDS));
      assertEquals(List.of(4L, 5L, 6L), after.stream().map(RunEvent::id).toList());
    }
    // after a restart: the history from events.jsonl
    try (var q = fileQueue()) {
      var id = q.list().get(0).id();
      var all = Collections.synchronizedList(new ArrayList<RunEvent>());
      var done = new CountDownLatch(1);
      q.subscribe(id, 0, e -> {
        all.add(e);
        if (e.type().equals("ended")) done.countDown();
      });
      assertTrue(done.await(30, TimeUnit.SECONDS));
      assertEquals(6, all.size());
      assertEquals("queued", all.get(0).type());
    }
  }

  @Test
  void restartWithTheFileStore() throws Exception {
    restart(() -> new FileQueueStore(tmp.resolve("state")));
    assertTrue(Files.isRegularFile(tmp.resolve("state/queue.json")));
  }

  @Test
  void restartWithTheSqliteCatalog() throws Exception {
    Path db = tmp.resolve("runs/catalog.db");
    restart(() -> new CatalogQueueStore((JdbcRunCatalog) Catalogs.open(db.toString(), tmp.resolve("runs"), Map.of()), "local"));
  }

  interface StoreFactory {
    QueueStore open() throws Exception;
  }

  /** A run cut off by a server's death is INTERRUPTED (its stack removed) at the next start; queued ones go on in order. */
  void restart(StoreFactory stores) throws Exception {
    String a;
    String b;
    String c;
    // the first server: a is running, b and c queued; it dies (its worker never sees a end)
    var dying = new FakeLauncher();
    dying.dies = true;
    var first = new PersistentRunQueue(tmp.resolve("state"), tmp.resolve("runs"), stores.open(), dying, time, Map.of(), s -> {});
    a = first.submit(submission("a")).id();
    b = first.submit(submission("b")).id();
    c = first.submit(new RunSubmission("c", SCENARIO, COMPOSE, Map.of(), 11L)).id();
    waitFor(() -> first.get(a).orElseThrow().runId() != null && dying.calls.contains("launch a seed 7"), "a to deploy");
    waitFor(() -> {
      try (var s = stores.open()) {
        return s.load().stream().anyMatch(e -> e.queueId().equals(a) && "a-folder".equals(e.runId()));
      } catch (Exception e) {
        return false;
      }
    }, "a's folder to be kept");
    // (no close: the server died; its worker is a daemon thread blocked in the fake)

    try (var q = new PersistentRunQueue(tmp.resolve("state"), tmp.resolve("runs"), stores.open(), launcher, time, Map.of(), s -> {})) {
      assertEquals(QueueState.INTERRUPTED, state(q, a));
      assertEquals("remove stack a-folder", launcher.calls.get(0));
      waitFor(() -> launcher.calls.contains("launch b seed 7"), "b to start");
      launcher.end("b", "ok");
      waitFor(() -> launcher.calls.contains("launch c seed 11"), "c to start");
      launcher.end("c", "ok");
      waitFor(() -> state(q, c).isFinal(), "c to end");
      assertEquals(QueueState.SUCCEEDED, state(q, b));
      var ended = new CompletableFuture<RunEvent>();
      q.subscribe(a, 0, e -> {
        if (e.type().equals("ended")) ended.complete(e);
      });
      assertEquals("INTERRUPTED", ended.get(30, TimeUnit.SECONDS).data().get("state"));
    }
  }

  @Test
  void closeAbortsTheRunningOneAndKeepsTheQueued() throws Exception {
    String b;
    try (var q = fileQueue()) {
      q.submit(submission("a"));
      b = q.submit(submission("b")).id();
      waitFor(() -> launcher.calls.contains("launch a seed 7"), "a to start");
    }
    assertTrue(launcher.calls.contains("abort a: " + PersistentRunQueue.CLOSE_REASON), launcher.calls.toString());
    launcher.blockUntilEnded = false;
    try (var q = fileQueue()) {
      assertEquals(QueueState.ABORTED, q.list().get(1).state());
      waitFor(() -> state(q, b) == QueueState.SUCCEEDED, "b to run after the restart");
    }
    assertTrue(new String(Files.readAllBytes(tmp.resolve("state/queue.json")), StandardCharsets.UTF_8).contains("SUCCEEDED"));
  }
}
