package dev.reprise.agent.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.agent.runtime.RuntimeFailure;
import dev.reprise.agent.testing.FakeContainerRuntime;
import dev.reprise.agent.testing.FakeHostOps;
import dev.reprise.agent.testing.ManualClock;
import dev.reprise.fdsl.model.CpuFault;
import dev.reprise.fdsl.model.CustomFault;
import dev.reprise.fdsl.model.FaultSpec;
import dev.reprise.fdsl.model.KillFault;
import dev.reprise.fdsl.model.SignalFault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InjectorsTest {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  static <F extends FaultSpec> FaultApplication<F> app(int seq, Instant planned, Target target, F fault) {
    return new FaultApplication<>(seq, planned, fault, target, null);
  }

  @TempDir Path faults;
  ManualClock clock;
  FakeContainerRuntime runtime;
  FakeHostOps host;
  FaultJournal journal;
  List<FaultJournal.Healed> heals;
  InjectionContext ctx;

  @BeforeEach
  void setUp() {
    clock = new ManualClock(T0);
    runtime = new FakeContainerRuntime();
    host = new FakeHostOps(runtime);
    heals = new CopyOnWriteArrayList<>();
    journal = new FaultJournal(clock, clock, Runnable::run, heals::add);
    ctx = new InjectionContext(runtime, host, journal, "run1", "node-1", faults, Duration.ofSeconds(10), T0.plusSeconds(60));
    runtime.deploy("s_web", 2);
  }

  Target target(int slot) {
    return new Target("web", slot - 1, runtime.get("s_web", slot));
  }

  @Test
  void killSendsSigkillAndLeavesNothingToHeal() {
    new KillInjector().apply(ctx, app(0, T0, target(1), new KillFault()));
    assertThat(runtime.calls("kill")).containsExactly("kill s_web.1 SIGKILL");
    assertThat(runtime.get("s_web", 1).running()).isFalse();
    assertThat(journal.active()).isEmpty();
  }

  @Test
  void signalSendsTheNamedSignal() {
    new SignalInjector().apply(ctx, app(0, T0, target(2), new SignalFault("SIGUSR1", false)));
    assertThat(runtime.calls("kill")).containsExactly("kill s_web.2 SIGUSR1");
    assertThat(runtime.get("s_web", 2).running()).isTrue();
  }

  @Test
  void killOfADeadContainerFails() {
    var dead = target(1);
    runtime.kill(dead.container().id(), "SIGKILL");
    assertThatThrownBy(() -> new KillInjector().apply(ctx, app(0, T0, dead, new KillFault())))
        .isInstanceOf(RuntimeFailure.class).hasMessageContaining("not running");
  }

  @Test
  void cpuStartsOneMarkedBurnerPerCoreAndKillsThemAtPlannedPlusDuration() {
    var t = target(1);
    new CpuInjector().apply(ctx, app(3, T0, t, new CpuFault(30_000, 2)));
    long pid = t.container().pid();
    assertThat(host.calls()).containsExactly(
        "burn " + pid + " reprise-burner/run1/node-1/3/s_web.1 -> 5000",
        "burn " + pid + " reprise-burner/run1/node-1/3/s_web.1 -> 5001");
    assertThat(journal.active()).hasSize(1);

    clock.advance(Duration.ofSeconds(29));
    assertThat(host.liveBurners()).containsExactly(5000L, 5001L);
    clock.advance(Duration.ofSeconds(1));
    assertThat(host.liveBurners()).isEmpty();
    assertThat(heals).singleElement().satisfies(h -> {
      assertThat(h.seq()).isEqualTo(3);
      assertThat(h.time()).isEqualTo(T0.plusSeconds(30));
      assertThat(h.outcome()).isEqualTo(Outcome.OK);
      assertThat(h.label()).isEqualTo("cpu x2 30s");
    });
    // Idempotent: a second heal of the same action does nothing.
    assertThat(journal.heal(3)).isZero();
  }

  @Test
  void cpuBurnersNeverOutliveTheRun() {
    new CpuInjector().apply(ctx, app(1, T0.plusSeconds(50), target(1), new CpuFault(600_000, 1)));
    clock.advance(Duration.ofSeconds(60));
    assertThat(host.liveBurners()).isEmpty();
  }

  @Test
  void healAllEndsBurnersAndALateRegistrationIsHealedAtOnce() {
    new CpuInjector().apply(ctx, app(1, T0, target(1), new CpuFault(30_000, 1)));
    assertThat(journal.healAll()).isEqualTo(1);
    assertThat(host.liveBurners()).isEmpty();
    new CpuInjector().apply(ctx, app(2, T0, target(2), new CpuFault(30_000, 1)));
    assertThat(host.liveBurners()).isEmpty();
    assertThat(heals).extracting(FaultJournal.Healed::seq).containsExactly(1, 2);
  }

  @Test
  void customCopiesTheScriptRunsItAndRecordsExitCodeAndOutput() throws Exception {
    Files.writeString(faults.resolve("break.sh"), "echo broken; exit 3\n");
    var fault = new CustomFault(false, "break.sh", null, List.of("now"), null, List.of("-e"));
    var result = CompletableFuture.supplyAsync(() -> {
      try {
        return new CustomInjector().apply(ctx, app(4, T0, target(1), fault));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    awaitCall("exec");
    assertThat(runtime.calls()).contains("copy s_web.1 /usr/lib/faultsee/break.sh",
        "exec s_web.1 /bin/sh -e /usr/lib/faultsee/break.sh now");
    assertThat(journal.active()).hasSize(1);
    runtime.finishExec("exec1", 3, "broken\n");
    var r = result.get(5, TimeUnit.SECONDS);
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.output()).isEqualTo("broken\n");
    assertThat(r.outcome()).isEqualTo(Outcome.OK);
    assertThat(journal.active()).isEmpty();
    assertThat(heals).isEmpty();
  }

  @Test
  void aCustomScriptStillRunningAtHealIsKilledAndItsOutcomeIsUnknown() throws Exception {
    Files.writeString(faults.resolve("hang.sh"), "sleep 1000\n");
    var fault = new CustomFault(false, "hang.sh", "/opt/f", List.of(), "/bin/bash", List.of());
    var result = CompletableFuture.supplyAsync(() -> {
      try {
        return new CustomInjector().apply(ctx, app(5, T0, target(2), fault));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    awaitCall("exec");
    assertThat(runtime.calls()).contains("copy s_web.2 /opt/f/hang.sh", "exec s_web.2 /bin/bash /opt/f/hang.sh");
    for (int i = 0; i < 500 && journal.active().isEmpty(); i++) TimeUnit.MILLISECONDS.sleep(10);
    assertThat(journal.healAll()).isEqualTo(1);
    var r = result.get(5, TimeUnit.SECONDS);
    assertThat(host.calls()).contains("kill " + runtime.execPid("exec1"));
    assertThat(r.outcome().status()).isEqualTo("unknown");
    assertThat(r.outcome().error()).contains("still running at heal");
    assertThat(r.exitCode()).isEqualTo(137);
  }

  @Test
  void customWithoutItsScriptFailsWithTheMissingPath() {
    var fault = new CustomFault(false, "missing.sh", null, null, null, null);
    assertThatThrownBy(() -> new CustomInjector().apply(ctx, app(0, T0, target(1), fault)))
        .isInstanceOf(RuntimeFailure.class).hasMessageContaining(faults.resolve("missing.sh").toString());
  }

  @Test
  void outcomesCombineFailedOverUnknownOverOk() {
    assertThat(Outcome.combine(List.of(Outcome.OK, Outcome.unknown("u"), Outcome.failed("f"))))
        .isEqualTo(new Outcome("failed", "u; f"));
    assertThat(Outcome.combine(List.of(Outcome.OK, Outcome.unknown("u")))).isEqualTo(new Outcome("unknown", "u"));
    assertThat(Outcome.combine(List.of(Outcome.OK))).isEqualTo(Outcome.OK);
  }

  private void awaitCall(String prefix) throws InterruptedException {
    for (int i = 0; i < 500 && runtime.calls(prefix).isEmpty(); i++) TimeUnit.MILLISECONDS.sleep(10);
    assertThat(runtime.calls(prefix)).isNotEmpty();
  }
}
