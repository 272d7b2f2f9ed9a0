package dev.reprise.master.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.master.agentlink.AgentConnection;
import dev.reprise.master.run.time.ManualTicker;
import dev.reprise.time.ManualTime;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one conversation with a run's agents, on fake agents and a manual clock. */
class AgentSessionTest {
  private final ManualTime time = new ManualTime(Instant.parse("2026-11-23T09:00:00Z"));
  private final ManualTicker ticker = new ManualTicker(time);
  private final Map<String, FakeAgent> fakes = new LinkedHashMap<>();
  private final List<AgentSession.Event> others = new ArrayList<>();

  private AgentSession open(String... hosts) {
    var links = new LinkedHashMap<String, AgentConnection>();
    for (String h : hosts) {
      var f = new FakeAgent(time);
      fakes.put(h, f);
      links.put(h, f);
    }
    return AgentSession.open(links, time, ticker, TimingContract.HEARTBEAT);
  }

  private MasterMessage.Arm arm(String host, boolean manager) {
    try {
      return new MasterMessage.Arm("r1", PlanJson.mapper().readTree(PlanJson.write(RunCoordinatorTest.PLAN)),
          time.now().plusSeconds(3), "r1", Map.of("web", "r1_web"), manager, "/records/" + host, null, null, 1000L, 10_000L, null);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void heartbeatsGoOutOnTheirOwnScheduleWhileTheCallerIsBusyElsewhere() throws Exception {
    var session = open("h1", "h2");
    session.hello("r1", Duration.ofSeconds(30), others::add);
    session.arm(this::arm, Duration.ofSeconds(30), others::add);
    var before = fakes.get("h1").received.size();
    // the caller does 8 s of slow work and polls nothing; the clock moves on
    for (int i = 0; i < 8; i++) time.advance(Duration.ofSeconds(1));
    assertThat(ticker.active()).isEqualTo(1);
    for (var f : fakes.values()) {
      assertThat(f.received.subList(before, f.received.size())).as("heartbeats while the caller was busy").containsOnly("heartbeat");
    }
    session.close();
    assertThat(ticker.active()).as("closing stops the heartbeats").isZero();
    assertThat(fakes.values()).allSatisfy(f -> assertThat(f.received).last().isEqualTo("close"));
  }

  @Test
  void everyHeartbeatReachesEveryLiveAgentOncePerInterval() throws Exception {
    var sent = new ArrayList<String>();
    var links = new LinkedHashMap<String, AgentConnection>();
    for (String h : List.of("h1", "h2")) {
      links.put(h, new AgentConnection() {
        @Override
        public void send(MasterMessage m) {
          sent.add(h + " " + m.getClass().getSimpleName() + " " + (m instanceof MasterMessage.Heartbeat hb ? hb.time() : ""));
        }

        @Override
        public Incoming poll(Duration timeout) {
          return null;
        }

        @Override
        public void close() {
          sent.add(h + " close");
        }
      });
    }
    try (var session = AgentSession.open(links, time, ticker, TimingContract.HEARTBEAT)) {
      for (int i = 0; i < 7; i++) time.advance(Duration.ofMillis(500));
      assertThat(session.live()).containsExactly("h1", "h2");
    }
    assertThat(sent).containsExactly(
        "h1 Heartbeat 2026-11-23T09:00:01Z", "h2 Heartbeat 2026-11-23T09:00:01Z",
        "h1 Heartbeat 2026-11-23T09:00:02Z", "h2 Heartbeat 2026-11-23T09:00:02Z",
        "h1 Heartbeat 2026-11-23T09:00:03Z", "h2 Heartbeat 2026-11-23T09:00:03Z",
        "h1 close", "h2 close");
  }

  @Test
  void helloAndArmReturnEveryAgentsAnswerInHostOrder() throws Exception {
    try (var session = open("h1", "h2", "h3")) {
      assertThat(session.hello("r1", Duration.ofSeconds(30), others::add).keySet()).containsExactly("h1", "h2", "h3");
      var armed = session.arm(this::arm, Duration.ofSeconds(30), others::add);
      assertThat(armed.keySet()).containsExactly("h1", "h2", "h3");
      assertThat(fakes.get("h1").received).anySatisfy(r -> assertThat(r).startsWith("arm stack=r1"));
    }
  }

  @Test
  void theAddressesOneAgentReportsArePassedOnToEveryOtherLiveAgent() throws Exception {
    try (var session = open("h1", "h2", "h3")) {
      session.hello("r1", Duration.ofSeconds(30), others::add);
      session.relayAddresses("h2", new AgentMessage.Addresses("db", 1, "c0ffee", List.of("10.0.1.7", "172.18.0.4")));
      assertThat(fakes.get("h1").received).contains("peer db.1 on h2 [10.0.1.7, 172.18.0.4]");
      assertThat(fakes.get("h3").received).contains("peer db.1 on h2 [10.0.1.7, 172.18.0.4]");
      assertThat(fakes.get("h2").received).noneMatch(r -> r.startsWith("peer"));
    }
    try (var single = open("solo")) {
      single.hello("r1", Duration.ofSeconds(30), others::add);
      single.relayAddresses("solo", new AgentMessage.Addresses("db", 1, "c0ffee", List.of("10.0.1.7")));
      assertThat(fakes.get("solo").received).noneMatch(r -> r.startsWith("peer"));
    }
  }

  @Test
  void anArmRefusedByOneHostAbortsTheOthersAndFailsInTheRunsWording() throws Exception {
    try (var session = open("h1", "h2")) {
      fakes.get("h2").refuseArm = "no such service web";
      session.hello("r1", Duration.ofSeconds(30), others::add);
      assertThatThrownBy(() -> session.arm(this::arm, Duration.ofSeconds(30), others::add))
          .isInstanceOf(AgentSession.Failed.class).hasMessage("the agent on h2 refused the plan: no such service web");
      assertThat(fakes.get("h1").received).contains("abort the agent on h2 refused the plan: no such service web");
      assertThat(fakes.get("h2").received).noneMatch(r -> r.startsWith("abort"));
    }
  }

  @Test
  void anAgentThatNeverAnswersHelloFailsAfterTheTimeout() throws Exception {
    var mute = new AgentConnection() {
      @Override
      public void send(MasterMessage m) {}

      @Override
      public Incoming poll(Duration timeout) {
        time.advance(timeout);
        return null;
      }

      @Override
      public void close() {}
    };
    try (var session = AgentSession.open(Map.of("box", mute), time, ticker, TimingContract.HEARTBEAT)) {
      assertThatThrownBy(() -> session.hello("r1", Duration.ofSeconds(30), others::add))
          .isInstanceOf(AgentSession.Failed.class).hasMessage("the agent did not send hello within 30 s");
    }
  }

  @Test
  void aHostWhoseSendsFailIsLostOnceAndTheOthersGoOn() throws Exception {
    try (var session = open("h1", "h2")) {
      session.hello("r1", Duration.ofSeconds(30), others::add);
      session.arm(this::arm, Duration.ofSeconds(30), others::add);
      fakes.get("h2").closed = true; // its next heartbeat fails
      time.advance(Duration.ofSeconds(1));
      var event = session.next(Duration.ofMillis(100));
      assertThat(event).isEqualTo(new AgentSession.Lost("h2", "the agent's stream closed before it ended the run"));
      assertThat(session.live()).containsExactly("h1");
      assertThat(session.lost()).containsOnlyKeys("h2");
      var events = new ArrayList<AgentSession.Event>();
      assertThat(session.awaitEnd(Duration.ofSeconds(60), events::add)).isTrue();
      assertThat(events).noneMatch(e -> e.host().equals("h2"));
      assertThat(events).last().isEqualTo(new AgentSession.Said("h1", new AgentMessage.Ended("ok", null, 0)));
      assertThat(session.ended()).containsOnlyKeys("h1");
    }
  }

  @Test
  void silenceIsMeasuredPerHostFromItsLastMessage() throws Exception {
    try (var session = open("h1")) {
      fakes.get("h1").silentAfterArm = true;
      session.hello("r1", Duration.ofSeconds(30), others::add);
      session.arm(this::arm, Duration.ofSeconds(30), others::add);
      assertThat(session.silentFor(TimingContract.AGENT_SILENCE)).isEmpty();
      time.advance(TimingContract.AGENT_SILENCE);
      assertThat(session.silentFor(TimingContract.AGENT_SILENCE)).containsExactly("h1");
    }
  }

  @Test
  void preflightAsksEveryAgentAtOnceAndAnAgentThatRefusesGetsAReportSayingSo() throws Exception {
    try (var session = open("h1", "h2", "h3")) {
      session.hello("r1", Duration.ofSeconds(30), others::add);
      fakes.get("h2").refusePreflight = "unknown message type preflight (expected one of hello, arm, heartbeat, abort)";
      var reports = session.preflight(new MasterMessage.Preflight("10.0.0.1", List.of("shell")), TimingContract.PREFLIGHT,
          others::add);
      assertThat(reports.keySet()).containsExactly("h1", "h2", "h3");
      assertThat(fakes.values()).allSatisfy(f -> assertThat(f.received).contains("preflight ntp=10.0.0.1 features=[shell]"));
      assertThat(reports.get("h1").problems()).isEmpty();
      assertThat(reports.get("h1").features()).containsExactly(Map.entry("shell", "ok"));
      assertThat(reports.get("h2").problems()).containsExactly(
          "the agent on h2 refused the pre-flight: unknown message type preflight (expected one of hello, arm, heartbeat, abort)");
      assertThat(reports.get("h3").problems()).isEmpty();
    }
  }
}
