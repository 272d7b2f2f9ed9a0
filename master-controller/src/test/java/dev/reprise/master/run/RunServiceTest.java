package dev.reprise.master.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.master.swarm.FakeSwarmCluster;
import dev.reprise.master.swarm.IpvsProbe;
import dev.reprise.master.swarm.SwarmOrchestrator;
import dev.reprise.master.run.RunCoordinator.State;
import dev.reprise.master.run.time.ManualTicker;
import dev.reprise.time.ManualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run started through the service, watched and stopped through its handle (from the test's thread). */
class RunServiceTest {
  @TempDir Path tmp;
  private final ManualTime time = new ManualTime(Instant.parse("2026-11-23T09:00:00Z"));
  private final FakeSwarmCluster swarm = new FakeSwarmCluster();
  private final FakeAgent agent = new FakeAgent(time);
  private final RecordingListener recorder = new RecordingListener();

  private RunHandle start() {
    var service = new RunService(dir -> {}, time, new ManualTicker(time));
    var target = new RunService.Target(new SwarmOrchestrator(swarm, time, new IpvsProbe(tmp.resolve("noroot")), Map.of()),
        RunAgents.local(runId -> agent), RunSettings.DEFAULTS);
    return service.start(new RunRequest("hello", tmp.resolve("runs"), Path.of("hello.yaml"), "environment: {}\n",
        Path.of("docker-compose.yml"), RunCoordinatorTest.COMPOSE, 7, RunCoordinatorTest.PLAN, tmp.resolve("faults"), null,
        60_000, true), target, List.of(recorder));
  }

  @Test
  void aRunGoesOnOnItsOwnThreadAndItsHandleSaysHowItEnded() throws Exception {
    var handle = start();
    var result = handle.await(Duration.ofSeconds(30)).orElseThrow();
    assertThat(result.outcome()).isEqualTo(Outcome.OK);
    assertThat(handle.finished()).isTrue();
    assertThat(handle.state()).isEqualTo(State.DONE);
    var p = handle.progress();
    assertThat(p.runDir()).isEqualTo(result.runDir());
    assertThat(p.runId()).isEqualTo(result.runDir().getFileName().toString());
    assertThat(p.t0()).isEqualTo(Instant.parse("2026-11-23T09:00:03Z"));
    assertThat(p.actionsPlanned()).isEqualTo(2);
    assertThat(p.actionsFired()).isEqualTo(2);
    assertThat(p.lastAction().seq()).isEqualTo(1);
    assertThat(recorder.events).last().isEqualTo("ended ok " + result.runDir());
  }

  @Test
  void abortFromAnotherThreadHealsRemovesTheStackAndEndsAborted() throws Exception {
    var running = new CountDownLatch(1);
    var aborted = new CountDownLatch(1);
    agent.onSend = m -> {
      // the run's thread waits here, at its first heartbeat after arm, until the test thread aborted
      if (m instanceof MasterMessage.Heartbeat && running.getCount() > 0 && agent.received.stream().anyMatch(r -> r.startsWith("arm"))) {
        running.countDown();
        try {
          aborted.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    var handle = start();
    assertThat(running.await(30, TimeUnit.SECONDS)).as("the run reached its first heartbeat after arm").isTrue();
    assertThat(handle.state()).isEqualTo(State.RUNNING);
    assertThat(handle.finished()).isFalse();
    handle.abort("asked by a test");
    aborted.countDown();

    var result = handle.await();
    assertThat(result.outcome()).isEqualTo(Outcome.ABORTED);
    assertThat(result.reason()).isEqualTo("asked by a test");
    assertThat(agent.received).contains("abort asked by a test").last().isEqualTo("close");
    assertThat(swarm.services).isEmpty();
    assertThat(handle.state()).isEqualTo(State.DONE);
  }
}
