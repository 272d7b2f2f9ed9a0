package dev.reprise.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.time.ClockOffset;
import dev.reprise.agent.time.ClockSync;
import dev.reprise.fdsl.fault.HostFeature;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent's {@code preflight}: engine, clock (measured with {@link ClockSync#probe}, never
 * stepped) and host features, every problem in one report, answered off the coordinator thread.
 */
class AgentPreflightTest {
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  /** A clock sync whose server never answers (as 127.0.0.1:1 would not); counts probe and measure calls. */
  static final class UnreachableSync implements ClockSync {
    int measures;
    int probes;

    @Override
    public synchronized ClockOffset measure(dev.reprise.time.Clock clock) throws IOException {
      measures++;
      throw new IOException("no usable NTP reply from 127.0.0.1:1: SocketTimeoutException: Receive timed out");
    }

    @Override
    public synchronized ClockOffset probe(dev.reprise.time.Clock clock) throws IOException {
      probes++;
      throw new IOException("no usable NTP reply from 127.0.0.1:1: SocketTimeoutException: Receive timed out");
    }
  }

  private static AgentHarness helloed(ClockSync sync) throws Exception {
    var h = new AgentHarness(START, sync, Duration.ZERO);
    h.send(new MasterMessage.Hello(1, "run1", "master"));
    h.expect(AgentMessage.Hello.class);
    return h;
  }

  @Test
  void aReadyHostReportsItsEngineItsMeasuredClockAndEveryFeatureOkWithoutSteppingTheClock() throws Exception {
    try (var h = helloed(c -> new ClockOffset(2.5, 0.3, "ntp.test"))) {
      h.send(new MasterMessage.Preflight("ntp.test", List.of("cgroup_procs", "shell")));
      var r = h.expect(AgentMessage.PreflightReport.class);
      assertThat(r.problems()).isEmpty();
      assertThat(r.dockerVersion()).isEqualTo("20.10.24");
      assertThat(r.ntpServer()).isEqualTo("ntp.test");
      assertThat(r.clockOffsetMs()).isEqualTo(2.5);
      assertThat(r.clockUncertaintyMs()).isEqualTo(0.3);
      assertThat(r.features()).containsExactly(java.util.Map.entry("cgroup_procs", "ok"), java.util.Map.entry("shell", "ok"));
      assertThat(h.clock.now()).as("pre-flight measures the clock, it does not step it").isEqualTo(START);
      assertThat(h.host.calls()).contains("probe [cgroup_procs, shell]");
      assertThat(h.agent.state()).isEqualTo(Agent.State.IDLE);
    }
  }

  @Test
  void anUnreachableNtpServerAndAMissingFeatureAreBothInOneReport() throws Exception {
    var sync = new UnreachableSync();
    try (var h = helloed(sync)) {
      h.host.lacking(HostFeature.CGROUP_PROCS, "/sys/fs/cgroup/cgroup.procs is not writable (cgroup v2 at /sys/fs/cgroup)");
      h.send(new MasterMessage.Preflight("127.0.0.1:1", List.of("cgroup_procs", "shell", "warp_drive")));
      var r = h.expect(AgentMessage.PreflightReport.class);
      assertThat(r.problems()).containsExactly(
          "ntp_server 127.0.0.1:1 unreachable: no usable NTP reply from 127.0.0.1:1: SocketTimeoutException: Receive timed out",
          "host feature warp_drive is unknown to this agent (version dev): update the agent",
          "/sys/fs/cgroup/cgroup.procs is not writable (cgroup v2 at /sys/fs/cgroup)");
      assertThat(r.clockOffsetMs()).isNull();
      assertThat(r.features()).containsEntry("cgroup_procs", "missing: /sys/fs/cgroup/cgroup.procs is not writable (cgroup v2 at /sys/fs/cgroup)")
          .containsEntry("shell", "ok").containsEntry("warp_drive", "unknown to this agent");
      assertThat(sync.probes).isEqualTo(1);
      assertThat(sync.measures).as("pre-flight probes; the full measurement is for arm").isZero();
    }
  }

  @Test
  void anUnreachableEngineIsAProblemNotACrash() throws Exception {
    try (var h = helloed(c -> ClockOffset.NONE)) {
      h.runtime.failNext("info");
      h.send(new MasterMessage.Preflight(null, List.of()));
      var r = h.expect(AgentMessage.PreflightReport.class);
      assertThat(r.problems()).singleElement().asString().startsWith("no Docker engine reachable: info: refused");
      assertThat(r.dockerVersion()).isNull();
      assertThat(r.ntpServer()).isNull();
    }
  }

  @Test
  void heartbeatsAreAnsweredWhileASlowCheckRuns() throws Exception {
    var release = new CountDownLatch(1);
    ClockSync slow = new ClockSync() {
      @Override
      public ClockOffset measure(dev.reprise.time.Clock clock) {
        return ClockOffset.NONE;
      }

      @Override
      public ClockOffset probe(dev.reprise.time.Clock clock) throws IOException {
        try {
          if (!release.await(20, TimeUnit.SECONDS)) throw new IOException("never released");
        } catch (InterruptedException e) {
          throw new IOException("interrupted");
        }
        return new ClockOffset(1, 0.1, "ntp.test");
      }
    };
    try (var h = helloed(slow)) {
      h.send(new MasterMessage.Preflight("ntp.test", List.of()));
      // the agent's own heartbeat tick comes from the coordinator thread: it must keep going
      h.clock.advance(Duration.ofSeconds(2));
      h.expect(AgentMessage.Heartbeat.class);
      h.send(new MasterMessage.Hello(1, "run1", "master"));
      assertThat(h.expect(AgentMessage.Error.class).message()).isEqualTo("hello received twice");
      release.countDown();
      assertThat(h.expect(AgentMessage.PreflightReport.class).problems()).isEmpty();
    }
  }

  @Test
  void preflightBeforeHelloIsRefused() throws Exception {
    try (var h = new AgentHarness(START)) {
      h.send(new MasterMessage.Preflight(null, List.of()));
      assertThat(h.expect(AgentMessage.Error.class).message()).isEqualTo("preflight before hello");
    }
  }
}
