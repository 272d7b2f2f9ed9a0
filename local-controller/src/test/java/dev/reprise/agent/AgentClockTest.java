package dev.reprise.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.protocol.ProtocolCodec;
import dev.reprise.agent.time.ClockOffset;
import dev.reprise.agent.time.ClockSync;
import dev.reprise.fdsl.plan.MarkAction;
import dev.reprise.fdsl.record.ClockRecord;
import dev.reprise.fdsl.record.RecordJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's clock discipline with a scripted clock sync: one step at arm, a slew per accepted
 * re-measurement, congested and failed re-measurements recorded and not applied, and every
 * measurement a line of {@code clock.jsonl}.
 */
class AgentClockTest {
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
  static final Instant T0 = START.plusSeconds(1);
  static final Duration RESYNC = Duration.ofSeconds(10);
  @TempDir Path dir;

  /** Answers each measure() with the next scripted result; an IOException entry is thrown. */
  static final class ScriptedSync implements ClockSync {
    final Deque<Object> answers = new ArrayDeque<>();
    int calls;

    ScriptedSync then(Object answer) {
      answers.add(answer);
      return this;
    }

    @Override
    public synchronized ClockOffset measure(dev.reprise.time.Clock clock) throws IOException {
      calls++;
      var a = answers.isEmpty() ? new ClockOffset(0, 0.2, "ntp.test") : answers.poll();
      if (a instanceof IOException e) throw e;
      return (ClockOffset) a;
    }
  }

  AgentHarness armed(ScriptedSync sync, String ntpServer) throws Exception {
    return armed(sync, ntpServer, null);
  }

  AgentHarness armed(ScriptedSync sync, String ntpServer, Long resyncMs) throws Exception {
    var h = new AgentHarness(START, sync, RESYNC);
    h.runtime.deploy("run1_web", 1);
    h.send(new MasterMessage.Hello(1, "run1", "master"));
    h.expect(AgentMessage.Hello.class);
    var plan = TestPlans.plan(60_000, Map.of("web", 1), new MarkAction(0, 0, 1000, "begin"));
    h.send(ProtocolCodec.arm("run1", plan, T0, "run1", Map.of("web", "run1_web"), true, dir.toString(), null, ntpServer,
        1000, 2000, resyncMs));
    return h;
  }

  List<ClockRecord> clockRecords() throws IOException {
    var file = dir.resolve("clock.jsonl");
    if (!Files.exists(file)) return List.of();
    return Files.readAllLines(file).stream().map(l -> RecordJson.parse(l, ClockRecord.class)).toList();
  }

  /** Heartbeats and advances the manual clock a second at a time until clock.jsonl has {@code n} lines. */
  List<ClockRecord> runUntilClockRecords(AgentHarness h, int n) throws Exception {
    for (int i = 0; i < 200; i++) {
      var records = clockRecords();
      if (records.size() >= n) return records;
      h.send(new MasterMessage.Heartbeat(h.clock.now()));
      TimeUnit.MILLISECONDS.sleep(30);
      h.clock.advance(Duration.ofSeconds(1));
    }
    throw new AssertionError("clock.jsonl has " + clockRecords().size() + " lines, expected " + n);
  }

  @Test
  void stepsAtArmThenSlewsEachAcceptedResyncAndRecordsEveryMeasurement() throws Exception {
    var sync = new ScriptedSync()
        .then(new ClockOffset(40, 0.2, "ntp.test"))   // arm: stepped
        .then(new ClockOffset(1.5, 0.3, "ntp.test"))  // drifted 1.5 ms: slewed
        .then(new ClockOffset(-0.4, 0.9, "ntp.test")) // within 3 × 0.2 + 1 ms: slewed
        .then(new ClockOffset(9, 25.0, "ntp.test"))   // a congested path: recorded, not applied
        .then(new IOException("no usable NTP reply from ntp.test: SocketTimeoutException"));
    try (var h = armed(sync, "ntp.test")) {
      var armed = h.expect(AgentMessage.Armed.class);
      assertThat(armed.clockOffsetMs()).isEqualTo(40);
      assertThat(armed.clockUncertaintyMs()).isEqualTo(0.2);
      assertThat(h.clock.steps()).containsExactly(40.0);

      var records = runUntilClockRecords(h, 5);
      assertThat(records).extracting(ClockRecord::phase)
          .containsExactly("arm", "resync", "resync", "resync", "resync");
      assertThat(records).extracting(ClockRecord::status)
          .containsExactly("stepped", "slewing", "slewing", "rejected", "failed");
      assertThat(records).extracting(ClockRecord::offsetMillis).containsExactly(40.0, 1.5, -0.4, 9.0, null);
      assertThat(records).extracting(ClockRecord::correctionMillis).containsExactly(40.0, 41.5, 39.6, 39.6, 39.6);
      assertThat(records).allSatisfy(r -> {
        assertThat(r.host()).isEqualTo("fakehost");
        assertThat(r.server()).isEqualTo("ntp.test");
      });
      assertThat(records.get(3).reason()).contains("uncertainty 25.000 ms is above 1.600 ms");
      assertThat(records.get(4).reason()).contains("SocketTimeoutException");
      assertThat(h.clock.slews()).containsExactly(1.5, -0.4);
      // one resync per interval, each scheduled after the previous one finished
      assertThat(Duration.between(records.get(1).time(), records.get(2).time())).isGreaterThanOrEqualTo(RESYNC);
      h.send(new MasterMessage.Abort("done"));
      h.expect(AgentMessage.Ended.class);
    }
  }

  @Test
  void aFailedResyncWarnsTheMasterAndKeepsTheCorrection() throws Exception {
    var sync = new ScriptedSync().then(new ClockOffset(-3, 0.1, "ntp.test")).then(new IOException("unreachable"));
    try (var h = armed(sync, "ntp.test")) {
      h.expect(AgentMessage.Armed.class);
      runUntilClockRecords(h, 2);
      var warn = h.expect(AgentMessage.Log.class);
      assertThat(warn.level()).isEqualTo("warn");
      assertThat(warn.message()).isEqualTo("clock resync failed, keeping the current correction: unreachable");
      assertThat(h.clock.correctionMillis()).isEqualTo(-3);
      h.send(new MasterMessage.Abort("done"));
      h.expect(AgentMessage.Ended.class);
    }
  }

  @Test
  void theArmsResyncIntervalWinsOverTheDefaultAndZeroMeansOnlyAtArm() throws Exception {
    var sync = new ScriptedSync().then(new ClockOffset(2, 0.1, "ntp.test"));
    try (var h = armed(sync, "ntp.test", 0L)) {
      h.expect(AgentMessage.Armed.class);
      for (int i = 0; i < 25; i++) {
        h.send(new MasterMessage.Heartbeat(h.clock.now()));
        TimeUnit.MILLISECONDS.sleep(10);
        h.clock.advance(Duration.ofSeconds(1));
      }
      assertThat(sync.calls).isEqualTo(1);
      assertThat(clockRecords()).extracting(ClockRecord::phase).containsExactly("arm");
      h.send(new MasterMessage.Abort("done"));
      h.expect(AgentMessage.Ended.class);
    }
    var every3s = new ScriptedSync();
    try (var h = new AgentHarness(START, every3s, RESYNC)) {
      h.runtime.deploy("run1_web", 1);
      h.send(new MasterMessage.Hello(1, "run1", "master"));
      h.expect(AgentMessage.Hello.class);
      var plan = TestPlans.plan(60_000, Map.of("web", 1), new MarkAction(0, 0, 1000, "begin"));
      h.send(ProtocolCodec.arm("run1", plan, T0, "run1", Map.of("web", "run1_web"), true, dir.resolve("b").toString(), null,
          "ntp.test", 1000, 2000, 3000L));
      h.expect(AgentMessage.Armed.class);
      for (int i = 0; i < 200 && every3s.calls < 4; i++) {
        h.send(new MasterMessage.Heartbeat(h.clock.now()));
        TimeUnit.MILLISECONDS.sleep(30);
        h.clock.advance(Duration.ofSeconds(1));
      }
      assertThat(h.clock.now()).as("3 resyncs at 3 s apart, not the default 10 s").isBefore(START.plusSeconds(20));
      h.send(new MasterMessage.Abort("done"));
      h.expect(AgentMessage.Ended.class);
    }
  }

  @Test
  void withoutAnNtpServerNothingIsMeasuredAgainAndNoClockFileIsWritten() throws Exception {
    try (var h = new AgentHarness(START)) {
      h.runtime.deploy("run1_web", 1);
      h.send(new MasterMessage.Hello(1, "run1", "master"));
      h.expect(AgentMessage.Hello.class);
      var plan = TestPlans.plan(30_000, Map.of("web", 1), new MarkAction(0, 0, 1000, "begin"));
      h.send(ProtocolCodec.arm("run1", plan, T0, "run1", Map.of("web", "run1_web"), true, dir.toString(), null, null, 1000, 2000));
      assertThat(h.expect(AgentMessage.Armed.class)).isEqualTo(new AgentMessage.Armed(0, null, Map.of("web", 1)));
      for (int i = 0; i < 25; i++) {
        h.send(new MasterMessage.Heartbeat(h.clock.now()));
        TimeUnit.MILLISECONDS.sleep(10);
        h.clock.advance(Duration.ofSeconds(1));
      }
      assertThat(h.clock.steps()).isEmpty();
      assertThat(h.clock.slews()).isEmpty();
      assertThat(dir.resolve("clock.jsonl")).doesNotExist();
      h.send(new MasterMessage.Abort("done"));
      h.expect(AgentMessage.Ended.class);
    }
  }
}
