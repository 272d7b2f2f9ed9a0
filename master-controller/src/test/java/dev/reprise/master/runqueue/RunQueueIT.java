package dev.reprise.master.runqueue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.master.catalog.Catalogs;
import dev.reprise.master.catalog.RunCatalog;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.master.testbed.LocalEngine;
import dev.reprise.time.SystemTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run queue on the local engine: examples/hello and a second, shorter scenario submitted as text
 * run one after the other to {@code ok} through {@code master run}'s path, their events arrive in
 * order ending with {@code ended}, their folders are complete and in the catalog; a submission with a
 * bad compose file is refused with every problem positioned. Stacks are named after the branch
 * ({@code runqueue-…}) and removed in any case.
 */
class RunQueueIT {
  static final String SECOND = """
      environment:
        seed: 5
      events:
        - beginning:
            hello: 2
        - moment:
            time: 2
            services:
              hello:
                - fault: {target: {specific: [0]}, cpu: {duration: 2, cores: 1}}
        - end: 5
      """;

  @TempDir static Path tmp;
  static DockerSwarmCluster docker;
  static final List<String> stacks = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void engine() {
    docker = LocalEngine.connectWithHello();
  }

  @AfterAll
  static void cleanUp() throws Exception {
    try {
      for (String s : stacks) LocalEngine.removeStack(docker, s).forEach(p -> System.err.println("RunQueueIT cleanup: " + p));
    } finally {
      docker.close();
    }
  }

  record Feed(List<RunEvent> events, CountDownLatch ended) {}

  static Feed follow(RunQueue q, String id) {
    var feed = new Feed(new CopyOnWriteArrayList<>(), new CountDownLatch(1));
    q.subscribe(id, 0, e -> {
      feed.events().add(e);
      if (e.type().equals("deploying")) stacks.add((String) e.data().get("runId"));
      if (e.type().equals("ended")) feed.ended().countDown();
    }).orElseThrow();
    return feed;
  }

  @Test
  void twoSubmissionsRunOneAfterTheOtherAndABadComposeIsRefused() throws Exception {
    Path hello = Path.of("..", "examples", "hello");
    String compose = Files.readString(hello.resolve("docker-compose.yml"));
    var first = new RunSubmission("runqueue-hello", Files.readString(hello.resolve("scenario.yaml")), compose,
        Map.of("say-hello.sh", Files.readAllBytes(hello.resolve("faults/say-hello.sh"))), null);
    var second = new RunSubmission("runqueue-second", SECOND, compose, Map.of(), null);
    Path out = tmp.resolve("runs");
    try (var q = PersistentRunQueue.open(tmp.resolve("state"), out, Optional.empty(), null, SystemTime.INSTANCE, System.err)) {
      var a = q.submit(first);
      var b = q.submit(second);
      var fa = follow(q, a.id());
      var fb = follow(q, b.id());

      var bad = org.junit.jupiter.api.Assertions.assertThrows(SubmissionException.class, () -> q.submit(new RunSubmission(
          "runqueue-bad", SECOND, compose.replace("endpoint_mode: dnsrr", "endpoint_mode: nosuch").replace("memory: 64M", "memory: lots"),
          Map.of(), null)));
      assertThat(bad.problems()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(bad.problems()).allSatisfy(p -> {
        assertThat(p.file()).isEqualTo("docker-compose.yml");
        assertThat(p.field()).isEqualTo("compose");
        assertThat(p.line()).isPositive();
        assertThat(p.column()).isPositive();
      });

      assertThat(fa.ended().await(4, TimeUnit.MINUTES)).as("a ended; events: " + fa.events()).isTrue();
      assertThat(fb.ended().await(3, TimeUnit.MINUTES)).as("b ended; events: " + fb.events()).isTrue();
      var ra = q.get(a.id()).orElseThrow();
      var rb = q.get(b.id()).orElseThrow();
      assertThat(ra.state()).as(ra.toString()).isEqualTo(QueueState.SUCCEEDED);
      assertThat(rb.state()).as(rb.toString()).isEqualTo(QueueState.SUCCEEDED);
      // one after the other: b started after a ended
      assertThat(rb.startedAt()).isAfterOrEqualTo(ra.endedAt());
      for (var f : List.of(fa, fb)) {
        var ids = new ArrayList<Long>();
        f.events().forEach(e -> ids.add(e.id()));
        for (int i = 0; i < ids.size(); i++) assertThat(ids.get(i)).isEqualTo(i + 1L);
        assertThat(f.events().get(0).type()).isEqualTo("queued");
        assertThat(f.events().get(f.events().size() - 1).type()).isEqualTo("ended");
        assertThat(f.events().stream().map(RunEvent::type)).contains("state", "deploying", "armed", "action", "agent-ended");
        assertThat(f.events().get(f.events().size() - 1).data().get("outcome")).isEqualTo("ok");
      }
      try (RunCatalog catalog = Catalogs.open(null, out, Map.of())) {
        for (var r : List.of(ra, rb)) {
          Path dir = Path.of(r.runDir());
          assertThat(dir.resolve("run.json")).exists();
          assertThat(dir.resolve("timeline.jsonl")).exists();
          assertThat(dir.resolve("export").resolve("report.html")).exists();
          assertThat(catalog.find(r.runId())).as(r.runId()).isPresent();
          assertThat(catalog.find(r.runId()).orElseThrow().outcome()).isEqualTo("ok");
          LocalEngine.assertStackGone(docker, r.runId());
        }
      }
    }
  }
}
