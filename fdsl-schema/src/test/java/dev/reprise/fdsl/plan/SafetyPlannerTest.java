package dev.reprise.fdsl.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.reprise.fdsl.ScenarioParser;
import dev.reprise.fdsl.model.CpuFault;
import dev.reprise.fdsl.model.CustomFault;
import dev.reprise.fdsl.model.DiskFillFault;
import dev.reprise.fdsl.model.FaultSpec;
import dev.reprise.fdsl.model.IoFault;
import dev.reprise.fdsl.model.KillFault;
import dev.reprise.fdsl.model.MemoryFault;
import dev.reprise.fdsl.model.NetworkFault;
import dev.reprise.fdsl.model.PartitionFault;
import dev.reprise.fdsl.model.PauseFault;
import dev.reprise.fdsl.model.RestartFault;
import dev.reprise.fdsl.model.Scenario;
import dev.reprise.fdsl.model.SignalFault;
import dev.reprise.fdsl.parse.ParseContext;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The planner under {@code environment.safety}: {@code max_fault_duration} caps, {@code max_affected} at the crossing event. */
class SafetyPlannerTest {

  static Scenario scenario(String yaml) {
    var r = ScenarioParser.parse(yaml, ParseContext.textOnly());
    assertThat(r.problems()).isEmpty();
    return r.scenario().orElseThrow();
  }

  static Plan plan(String yaml) {
    var r = Planner.plan(scenario(yaml), 789);
    assertThat(r.problems()).isEmpty();
    return r.plan().orElseThrow();
  }

  static List<String> problems(String yaml) {
    return Planner.plan(scenario(yaml), 789).problems().stream()
        .map(p -> p.pos().line() + ":" + p.pos().column() + ": " + p.message()).toList();
  }

  static List<FaultAction> faults(Plan plan) {
    return plan.actions().stream().filter(a -> a instanceof FaultAction).map(a -> (FaultAction) a).toList();
  }

  // ---- max_fault_duration ----

  @Test void everyLastingFaultLongerThanTheCapIsPlannedAtTheCapAndSaysSo() {
    var plan = plan("""
        environment:
          safety: {max_fault_duration: 30s}
        events:
          - beginning: {web: 12, db: 2}
          - moment:
              time: 5
              services:
                web:
                  - fault: {target: {specific: [0]}, cpu: {duration: 1m, cores: 2}}
                  - fault: {target: {specific: [1]}, cpu: {duration: 10s}}
                  - fault: {target: {specific: [2]}, network: {duration: 2m, delay: 50ms, ports: [80], direction: both}}
                  - fault: {target: {specific: [3]}, partition: {duration: 31s, peers: {db: [1]}}}
                  - fault: {target: {specific: [4]}, pause: 45s}
                  - fault: {target: {specific: [5]}, memory: {duration: 1h, size: 64MiB, rate: 8MiB/s}}
                  - fault: {target: {specific: [6]}, disk_fill: {duration: 40s, path: /data, percent: 90}}
                  - fault: {target: {specific: [7]}, io: {duration: 40s, path: /data, mode: write, workers: 2}}
                  - fault: {target: {specific: [8]}, restart: {duration: 1m, grace: 5s}}
                  - fault: {target: {specific: [9]}, pause: 30s}
                  - fault: {target: {specific: [10]}, signal: {signal: SIGUSR1, kills_container: no}}
                  - fault: {target: {specific: [11]}, kill: }
          - end: 5m
        """);
    var f = faults(plan);
    assertThat(f).extracting(FaultAction::fault).containsExactly(
        new CpuFault(30_000, 2),
        new CpuFault(10_000, 1),
        new NetworkFault(30_000, new NetworkFault.Delay(50_000, 0, 0), null, null, null, null, null, null, List.of(80),
            NetworkFault.Direction.BOTH),
        new PartitionFault(30_000, ((PartitionFault) f.get(3).fault()).peers(), PartitionFault.Direction.BOTH),
        new PauseFault(30_000),
        new MemoryFault(30_000, 64L << 20, 8L << 20),
        new DiskFillFault(30_000, "/data", null, 90.0),
        new IoFault(30_000, "/data", IoFault.Mode.WRITE, 2, IoFault.DEFAULT_SIZE_BYTES),
        new RestartFault(30_000, 5_000L),
        new PauseFault(30_000),
        new SignalFault("SIGUSR1", false),
        new KillFault());
    assertThat(f).extracting(FaultAction::cappedFromMillis)
        .containsExactly(60_000L, null, 120_000L, 31_000L, 45_000L, 3_600_000L, 40_000L, 40_000L, 60_000L, null, null, null);
    assertThat(f.get(0).capped()).isTrue();
    assertThat(f.get(1).capped()).isFalse();
    assertThat(f.get(3).groups()).containsKey(PartitionFault.PEERS_GROUP);
    assertThat(f.get(0).fault().label()).isEqualTo("cpu x2 30s");
  }

  @Test void aCustomScriptWithoutALengthIsCappedUnlessItEndsItsContainer() {
    var plan = plan("""
        environment:
          safety: {max_fault_duration: 20s}
        events:
          - beginning: {web: 2}
          - moment:
              time: 5
              services:
                web:
                  - fault: {target: {specific: [0]}, custom: {fault_file_name: slow.sh, kills_container: no}}
                  - fault: {target: {specific: [1]}, custom: {fault_file_name: crash.sh, kills_container: yes}}
          - end: 1m
        """);
    var f = faults(plan);
    var capped = (CustomFault) f.get(0).fault();
    assertThat(capped.maxDurationMillis()).isEqualTo(20_000);
    assertThat(capped.durationMillis()).isEqualTo(20_000);
    assertThat(capped.label()).isEqualTo("custom slow.sh max 20s");
    assertThat(f.get(0).cappedFromMillis()).isZero();
    assertThat(((CustomFault) f.get(1).fault()).maxDurationMillis()).isNull();
    assertThat(f.get(1).cappedFromMillis()).isNull();
  }

  @Test void withoutACapNothingChanges() {
    var plan = plan("events:\n  - beginning: {web: 1}\n  - moment: {time: 1, services: {web: [{fault: {target: {amount: 1},"
        + " custom: {fault_file_name: x.sh, kills_container: no}}}, {fault: {target: {amount: 1}, cpu: {duration: 1h}}}]}}\n  - end: 2h\n");
    assertThat(faults(plan)).extracting(FaultAction::cappedFromMillis).containsExactly(null, null);
    assertThat(((CustomFault) faults(plan).get(0).fault()).maxDurationMillis()).isNull();
    assertThat(faults(plan).get(1).fault().durationMillis()).isEqualTo(3_600_000);
  }

  @Test void theCapSurvivesTheJsonFormAndPlansWithoutItKeepTheirBytes() {
    var plan = plan("""
        environment:
          safety: {max_fault_duration: 30s}
        events:
          - beginning: {web: 2}
          - moment:
              time: 5
              services:
                web:
                  - fault: {target: {specific: [0]}, cpu: {duration: 1m}}
                  - fault: {target: {specific: [1]}, custom: {fault_file_name: x.sh, kills_container: no}}
          - end: 2m
        """);
    String json = PlanJson.write(plan);
    assertThat(json).contains("\"fault\":{\"type\":\"cpu\",\"durationMillis\":30000,\"cores\":1},\"cappedFromMillis\":60000")
        .contains("\"maxDurationMillis\":30000},\"cappedFromMillis\":0");
    assertThat(PlanJson.read(json)).isEqualTo(plan);

    var uncapped = new FaultAction(0, 0, 5_000, "web", List.of(0), new CpuFault(60_000, 1));
    String old = PlanJson.write(new Plan(1, 10_000, new java.util.TreeMap<>(java.util.Map.of("web", 1)), List.of(uncapped), List.of()));
    assertThat(old).doesNotContain("cappedFromMillis").doesNotContain("maxDurationMillis");
    var read = (FaultAction) PlanJson.read(old).actions().get(0);
    assertThat(read.cappedFromMillis()).isNull();
    assertThat(read).isEqualTo(uncapped);
    FaultSpec custom = new CustomFault(false, "x.sh", null, null, null, null);
    String customJson = PlanJson.write(new Plan(1, 10_000, new java.util.TreeMap<>(java.util.Map.of("web", 1)),
        List.of(new FaultAction(0, 0, 5_000, "web", List.of(0), custom)), List.of()));
    assertThat(((FaultAction) PlanJson.read(customJson).actions().get(0)).fault()).isEqualTo(custom);
  }

  // ---- max_affected ----

  @Test void aCountIsExceededAtTheEventThatCrossesIt() {
    assertThat(problems("""
        environment:
          safety:
            max_affected: {db: 1}
        events:
          - beginning: {web: 2, db: 3}
          - moment:
              time: 10
              services:
                db:
                  - fault: {target: {specific: [0]}, pause: 30s}
                web:
                  - fault: {target: {amount: 2}, cpu: {duration: 30s}}
          - moment:
              time: 20
              services:
                db:
                  - fault: {target: {specific: [1]}, cpu: {duration: 5s}}
                  - fault: {target: {specific: [2]}, cpu: {duration: 5s}}
          - end: 1m
        """)).containsExactly("17:13: this cpu fault on db 1 makes 2 of 3 db containers affected at 20s;"
            + " environment.safety.max_affected.db (line 3) allows 1");
  }

  @Test void aFractionOfEveryContainerCountsTheDeadToo() {
    assertThat(problems("""
        environment:
          safety:
            max_affected: 50%
        events:
          - beginning: {web: 2, db: 2}
          - moment: {time: 5, services: {web: [{fault: {target: {specific: [0]}, kill: }}]}}
          - moment: {time: 10, services: {db: [{fault: {target: {specific: [0]}, pause: 5s}}]}}
          - moment: {time: 12, services: {db: [{stop: {specific: [1]}}]}}
          - end: 1m
        """)).containsExactly("8:41: this stop of db 1 makes 3 of 4 containers affected at 12s;"
            + " environment.safety.max_affected (line 3) allows 2 (50% of 4)");
  }

  @Test void perServiceAndAllAreEachReportedOnceAtTheirOwnCrossing() {
    assertThat(problems("""
        environment:
          safety:
            max_affected: {all: 3, web: 34%}
        events:
          - beginning: {web: 3, db: 3}
          - moment: {time: 1, services: {web: [{fault: {target: {specific: [0]}, cpu: {duration: 1m}}}]}}
          - moment: {time: 2, services: {web: [{fault: {target: {specific: [1]}, cpu: {duration: 1m}}}]}}
          - moment: {time: 3, services: {db: [{fault: {target: {specific: [0, 1]}, pause: 1m}}]}}
          - moment: {time: 4, services: {web: [{fault: {target: {specific: [2]}, cpu: {duration: 1m}}}]}}
          - end: 2m
        """)).containsExactly(
            "7:41: this cpu fault on web 1 makes 2 of 3 web containers affected at 2s;"
                + " environment.safety.max_affected.web (line 3) allows 1 (34% of 3)",
            "8:40: this pause fault on db 0, 1 makes 4 of 6 containers affected at 3s;"
                + " environment.safety.max_affected (line 3) allows 3");
  }

  @Test void exactlyAtTheCapPasses() {
    plan("""
        environment:
          safety:
            max_affected: {all: 2, db: 50%}
        events:
          - beginning: {web: 2, db: 2}
          - moment: {time: 1, services: {db: [{fault: {target: {specific: [0]}, cpu: {duration: 10s}}}]}}
          - moment: {time: 1, services: {web: [{fault: {target: {specific: [0]}, pause: 10s}}]}}
          - moment: {time: 11, services: {db: [{fault: {target: {specific: [1]}, cpu: {duration: 10s}}}]}}
          - moment: {time: 11, services: {web: [{fault: {target: {specific: [1]}, signal: {signal: SIGHUP, kills_container: no}}}]}}
          - moment: {time: 12, services: {web: [{fault: {target: {specific: [0]}, restart: }}]}}
          - end: 1m
        """);
  }

  @Test void aContainerStartedLaterMakesUpForOneKilledAndAFaultEndsAtItsDuration() {
    plan("""
        environment:
          safety:
            max_affected: {web: 1}
        events:
          - beginning: {web: 3}
          - moment: {time: 1, services: {web: [{fault: {target: {specific: [0]}, kill: }}, {start: {amount: 1}}]}}
          - moment: {time: 2, services: {web: [{fault: {target: {specific: [3]}, cpu: {duration: 5s}}}]}}
          - moment: {time: 7, services: {web: [{fault: {target: {specific: [1]}, memory: {duration: 5s, size: 1MiB}}}]}}
          - end: 1m
        """);
    assertThat(problems("""
        environment:
          safety:
            max_affected: {web: 1}
        events:
          - beginning: {web: 3}
          - moment: {time: 1, services: {web: [{fault: {target: {specific: [0]}, kill: }}, {start: {amount: 1}}]}}
          - moment: {time: 2, services: {web: [{fault: {target: {specific: [3]}, cpu: {duration: 5s}}}]}}
          - moment: {time: 6.999, services: {web: [{fault: {target: {specific: [1]}, cpu: {duration: 5s}}}]}}
          - end: 1m
        """)).containsExactly("8:45: this cpu fault on web 1 makes 2 of 3 web containers affected at 6.999s;"
            + " environment.safety.max_affected.web (line 3) allows 1");
  }

  @Test void aFaultKilledOrStoppedWhileUnderAFaultCountsOnce() {
    plan("""
        environment:
          safety:
            max_affected: {web: 1}
        events:
          - beginning: {web: 2}
          - moment: {time: 1, services: {web: [{fault: {target: {specific: [0]}, cpu: {duration: 1m}}}, {stop: {specific: [0]}}]}}
          - end: 2m
        """);
  }

  @Test void theCappedDurationIsTheOneThatCounts() {
    plan("""
        environment:
          safety:
            max_fault_duration: 5s
            max_affected: 1
        events:
          - beginning: {web: 2}
          - moment: {time: 0, services: {web: [{fault: {target: {specific: [0]}, cpu: {duration: 1h}}}]}}
          - moment: {time: 5, services: {web: [{fault: {target: {specific: [1]}, custom: {fault_file_name: x.sh, kills_container: no}}}]}}
          - moment: {time: 10, services: {web: [{fault: {target: {specific: [0]}, partition: {duration: 1h}}}]}}
          - end: 2h
        """);
  }

  @Test void aKillCountsFromThenOnAndARestartForItsDownTime() {
    assertThat(problems("""
        environment:
          safety:
            max_affected: 2
        events:
          - beginning: {web: 4}
          - moment: {time: 1, services: {web: [{fault: {target: {specific: [0]}, restart: {duration: 10s}}}]}}
          - moment: {time: 2, services: {web: [{fault: {target: {specific: [1]}, kill: }}]}}
          - moment: {time: 3, services: {web: [{fault: {target: {specific: [2]}, signal: {signal: SIGKILL, kills_container: yes}}}]}}
          - end: 1m
        """)).containsExactly("8:41: this signal fault on web 2 makes 3 of 4 containers affected at 3s;"
            + " environment.safety.max_affected (line 3) allows 2");
    plan("""
        environment:
          safety:
            max_affected: 2
        events:
          - beginning: {web: 4}
          - moment: {time: 1, services: {web: [{fault: {target: {specific: [0]}, restart: {duration: 10s}}}]}}
          - moment: {time: 2, services: {web: [{fault: {target: {specific: [1]}, kill: }}]}}
          - moment: {time: 11, services: {web: [{fault: {target: {specific: [2]}, signal: {signal: SIGKILL, kills_container: yes}}}]}}
          - end: 1m
        """);
  }

  @Test void tenThousandMomentsArePlannedQuickly() {
    var yaml = new StringBuilder("environment:\n  safety:\n    max_fault_duration: 2s\n    max_affected: {all: 4, web: 50%}\n"
        + "events:\n  - beginning: {web: 10, db: 10}\n");
    for (int i = 0; i < 10_000; i++) {
      yaml.append("  - moment: {time: ").append(i).append(", services: {")
          .append(i % 2 == 0 ? "web" : "db").append(": [{fault: {target: {amount: 1}, cpu: {duration: 5s}}}]}}\n");
    }
    yaml.append("  - end: 3h\n");
    var scenario = scenario(yaml.toString());
    var result = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Planner.plan(scenario, 789));
    assertThat(result.plan()).isPresent();
    assertThat(faults(result.plan().get())).hasSize(10_000).allMatch(f -> f.fault().durationMillis() == 2_000);
  }
}
