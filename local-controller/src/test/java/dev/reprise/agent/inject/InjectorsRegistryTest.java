package dev.reprise.agent.inject;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.testing.FakeContainerRuntime;
import dev.reprise.agent.testing.FakeHostOps;
import dev.reprise.agent.testing.ManualClock;
import dev.reprise.fdsl.fault.FaultTypes;
import dev.reprise.fdsl.model.CpuFault;
import dev.reprise.fdsl.model.CustomFault;
import dev.reprise.fdsl.model.FaultSpec;
import dev.reprise.fdsl.model.KillFault;
import dev.reprise.fdsl.model.SignalFault;
import dev.reprise.fdsl.plan.FaultAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every registered fault type has exactly one injector and the agent reaches it by the type's name:
 * fails when a fault type is added to {@link FaultTypes} without its injector in {@link Injectors}.
 */
class InjectorsRegistryTest {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path faults;
  FakeContainerRuntime runtime;
  FakeHostOps host;
  InjectionContext ctx;

  @BeforeEach
  void setUp() throws Exception {
    var clock = new ManualClock(T0);
    runtime = new FakeContainerRuntime();
    host = new FakeHostOps(runtime);
    host.containerRoots(Files.createDirectories(faults.resolve("roots")));
    host.answering(argv -> argv.contains("link") && argv.contains("show")
        ? new dev.reprise.agent.runtime.HostOps.CommandResult(0, "1: lo: <LOOPBACK,UP>\n9: eth0@if10: <BROADCAST,UP>") : null);
    var journal = new FaultJournal(clock, clock, Runnable::run, new CopyOnWriteArrayList<FaultJournal.Healed>()::add,
        new FaultJournal.Durability(null, new dev.reprise.agent.heal.UndoRunner(host, runtime), "run1", "node-1"));
    PeerResolver peers = (service, id) -> runtime.addresses(FakeContainerRuntime.cid("s_" + service, id + 1));
    ctx = new InjectionContext(runtime, host, journal, "run1", "node-1", faults, Duration.ofSeconds(10), T0.plusSeconds(60), peers,
        () -> java.util.Optional.of("/opt/reprise-fault-helper"));
    runtime.deploy("s_web", 1);
    Files.writeString(faults.resolve("x.sh"), "exit 0\n");
  }

  Target web1() {
    return new Target("web", 0, runtime.get("s_web", 1));
  }

  @Test
  void everyRegisteredFaultTypeHasAnInjectorAndEveryInjectorARegisteredType() {
    assertThat(Injectors.types()).isEqualTo(FaultTypes.names());
    for (var type : FaultTypes.all()) {
      var binding = Injectors.forType(type.name()).orElseThrow();
      assertThat(binding.type()).as("binding of %s", type.name()).isSameAs(type);
      assertThat(binding.injector()).as("injector of %s", type.name()).isNotNull();
    }
  }

  @Test
  void everySealedFaultRecordReachesItsOwnInjector() throws Exception {
    assertThat(FaultSpec.class.getPermittedSubclasses())
        .extracting(Class::getSimpleName)
        .containsExactlyInAnyOrder("KillFault", "SignalFault", "CpuFault", "CustomFault", "NetworkFault", "PartitionFault", "PauseFault",
            "RestartFault", "MemoryFault", "DiskFillFault", "IoFault"); // a new record: add its case below
    var faults = List.<FaultSpec>of(new KillFault(), new SignalFault("SIGUSR1", false), new CpuFault(30_000, 1),
        new CustomFault(false, "x.sh", null, null, null, null),
        new dev.reprise.fdsl.model.NetworkFault(10_000, new dev.reprise.fdsl.model.NetworkFault.Delay(50_000, 0, 0), null, null, null,
            null, null, null, null, null),
        new dev.reprise.fdsl.model.PartitionFault(10_000, null, null),
        new dev.reprise.fdsl.model.PauseFault(10_000),
        new dev.reprise.fdsl.model.RestartFault(0, null),
        new dev.reprise.fdsl.model.MemoryFault(10_000, 64L << 20, null),
        new dev.reprise.fdsl.model.DiskFillFault(10_000, "/data", 1L << 20, null),
        new dev.reprise.fdsl.model.IoFault(10_000, "/data", dev.reprise.fdsl.model.IoFault.Mode.WRITE, 1, 1L << 20));
    assertThat(faults).extracting(FaultSpec::type).containsExactlyInAnyOrderElementsOf(FaultTypes.names());
    runtime.deploy("s_web", faults.size() - 1); // one running container per fault: slots 1..11
    for (int slot = 1; slot <= faults.size(); slot++) {
      Files.createDirectories(host.containerPath(runtime.get("s_web", slot).pid(), "/data"));
    }
    var results = new ArrayList<CompletableFuture<Injector.TargetResult>>();
    for (int i = 0; i < faults.size(); i++) {
      SortedMap<String, SortedMap<String, List<Integer>>> groups = faults.get(i) instanceof dev.reprise.fdsl.model.PartitionFault
          ? new TreeMap<>(Map.of("peers", new TreeMap<>(Map.of("web", List.of(0))))) : null;
      var app = new FaultApplication<>(7, T0, faults.get(i), new Target("web", i, runtime.get("s_web", i + 1)), groups);
      results.add(CompletableFuture.supplyAsync(() -> {
        try {
          return Injectors.apply(ctx, app);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }));
      if (faults.get(i) instanceof CustomFault) {
        for (int k = 0; k < 1000 && runtime.calls("exec").isEmpty(); k++) TimeUnit.MILLISECONDS.sleep(10);
        runtime.finishExec("exec1", 0, "");
      }
      assertThat(results.get(i).get(10, TimeUnit.SECONDS).outcome().ok()).as(faults.get(i).type()).isTrue();
    }
    assertThat(runtime.calls()).startsWith("kill s_web.1 SIGKILL", "kill s_web.2 SIGUSR1",
        "copy s_web.4 /usr/lib/faultsee/x.sh", "exec s_web.4 /bin/sh /usr/lib/faultsee/x.sh")
        .contains("pause s_web.7").anyMatch(c -> c.startsWith("stop s_web.8"));
    long cpuContainerPid = runtime.get("s_web", 3).pid();
    assertThat(host.calls()).anyMatch(c -> c.startsWith("burn " + cpuContainerPid + " " + ctx.burnerMarker() + "/7/s_web.3 -> "));
    // network (slot 5; the fake host has every mechanism): netem in its namespace; partition (slot 6): DROP web 0's address
    long net = runtime.get("s_web", 5).pid();
    assertThat(host.calls()).contains("run nsenter --target " + net + " --net -- tc qdisc add dev eth0 root handle 1: netem delay 50000us");
    long part = runtime.get("s_web", 6).pid();
    var webZero = runtime.addresses(FakeContainerRuntime.cid("s_web", 1)).get(0);
    assertThat(host.calls()).anyMatch(c -> c.startsWith("run nsenter --target " + part + " --net -- iptables-restore -w --noflush <<< ")
        && c.contains("-A RPR-P7O -d " + webZero + "/32"));
    ctx.journal().healAll();
    assertThat(host.liveBurners()).isEmpty();
    assertThat(runtime.paused()).isEmpty();
  }

  @Test
  void anApplicationCarriesTheActionsSeqPlannedInstantFaultTargetAndGroups() {
    SortedMap<String, SortedMap<String, List<Integer>>> groups = new TreeMap<>(Map.of(
        "left", new TreeMap<>(Map.of("web", List.of(0))), "right", new TreeMap<>(Map.of("db", List.of(0, 1)))));
    var action = new FaultAction(3, 1, 5_000, "web", List.of(0), new CpuFault(10_000, 2), groups);
    var app = FaultApplication.of(action, T0.plusSeconds(5), web1());
    assertThat(app.seq()).isEqualTo(3);
    assertThat(app.planned()).isEqualTo(T0.plusSeconds(5));
    assertThat(app.fault()).isEqualTo(new CpuFault(10_000, 2));
    assertThat(app.target()).isEqualTo(web1());
    assertThat(app.groups()).isEqualTo(groups);
    assertThat(app.journalKey()).isEqualTo(new FaultJournal.Key(3, "cpu", "cpu x2 10s", "web", 0, web1().container().id()));
    assertThat(FaultApplication.of(new FaultAction(4, 1, 5_000, "web", List.of(0), new KillFault()), T0, web1()).groups()).isEmpty();
  }
}
