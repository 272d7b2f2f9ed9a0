package dev.reprise.agent.heal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.runtime.HostOps;
import dev.reprise.agent.runtime.RunContainer;
import dev.reprise.agent.testing.FakeContainerRuntime;
import dev.reprise.agent.testing.FakeHostOps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealJournalTest {
  @TempDir Path root;

  private final FakeContainerRuntime runtime = new FakeContainerRuntime();
  private final FakeHostOps host = new FakeHostOps(runtime);

  private static HealJournalStore.Entry entry(long agentPid, Instant agentStart, List<UndoStep> undo) {
    return new HealJournalStore.Entry("run 1", "node-a", agentPid, agentStart, 3, "network", "network delay 50ms 10s", "web", 0,
        "c0ffee", "nfqueue", Instant.parse("2026-12-02T10:00:00Z"), undo);
  }

  @Test
  void anEntryIsReadBackAsWrittenAndRemovedOnce() {
    var store = new HealJournalStore(root, "node/a");
    var undo = List.<UndoStep>of(new UndoStep.HostCommand(List.of("tc", "qdisc", "del", "dev", "eth0", "root"), "c0ffee", 42L, "No such"),
        new UndoStep.KillMarked("reprise-burner/r/n/3"), new UndoStep.Unpause("c0ffee"), new UndoStep.StartContainer("c0ffee"),
        new UndoStep.DeleteFile("/proc/42/root/data/fill", "c0ffee", 42L), new UndoStep.KillProcess(4711, "c0ffee", 42L));
    var file = store.write(entry(1, null, undo));
    assertThat(file.getParent()).isEqualTo(root.resolve("node_a"));
    var problems = new ArrayList<String>();
    var listed = store.list(problems);
    assertThat(problems).isEmpty();
    assertThat(listed).singleElement().satisfies(s -> assertThat(s.entry().undo()).isEqualTo(undo));
    store.remove(file);
    store.remove(file);
    assertThat(store.list(problems)).isEmpty();
  }

  @Test
  void anUnreadableEntryIsReportedAndKept() throws Exception {
    var store = new HealJournalStore(root, "n");
    Files.createDirectories(store.dir());
    Files.writeString(store.dir().resolve("broken.json"), "{not json");
    var problems = new ArrayList<String>();
    assertThat(store.list(problems)).isEmpty();
    assertThat(problems).singleElement().asString().contains("broken.json");
    assertThat(store.dir().resolve("broken.json")).exists();
  }

  @Test
  void leftoversOfAGoneAgentAreUndoneAndThoseOfALiveOneAreKept() {
    var store = new HealJournalStore(root, "n");
    var self = ProcessHandle.current();
    store.write(entry(self.pid(), self.info().startInstant().orElse(null), List.of(new UndoStep.HostCommand(List.of("true", "mine"), null, null, null))));
    store.write(entry(Long.MAX_VALUE / 2, null, List.of(new UndoStep.HostCommand(List.of("true", "gone"), null, null, null))));

    var report = LeftoverHealer.healLeftovers(store, new UndoRunner(host, runtime));

    assertThat(report.healed()).isEqualTo(1);
    assertThat(report.problems()).isEmpty();
    assertThat(host.commands()).containsExactly(List.of("true", "gone"));
    assertThat(store.list(new ArrayList<>())).singleElement().satisfies(s -> assertThat(s.entry().agentPid()).isEqualTo(self.pid()));
  }

  @Test
  void aFailedUndoStaysOnDiskWithItsReason() {
    host.answering(argv -> argv.get(0).equals("iptables") ? new HostOps.CommandResult(4, "iptables: Resource busy") : null);
    var store = new HealJournalStore(root, "n");
    store.write(entry(Long.MAX_VALUE / 2, null, List.of(new UndoStep.HostCommand(List.of("iptables", "-X", "REPRISE-3"), null, null, "No chain"))));

    var report = LeftoverHealer.healLeftovers(store, new UndoRunner(host, runtime));

    assertThat(report.healed()).isZero();
    assertThat(report.problems()).singleElement().asString().contains("iptables -X REPRISE-3 exited 4: iptables: Resource busy")
        .contains("network delay 50ms 10s on web.0 via nfqueue");
    assertThat(store.list(new ArrayList<>())).hasSize(1);
  }

  @Test
  void aCommandThatSaysTheThingIsGoneIsDone() {
    host.answering(argv -> new HostOps.CommandResult(2, "Error: Cannot delete qdisc with handle of zero. No such file or directory"));
    var problems = new UndoRunner(host, runtime).run(List.of(new UndoStep.HostCommand(List.of("tc", "qdisc", "del"), null, null, "No such file")));
    assertThat(problems).isEmpty();
  }

  @Test
  void guardedStepsSkipAContainerThatIsGoneOrNotTheSameOne() {
    runtime.deploy("web_svc", 1);
    var c = runtime.get("web_svc", 1);
    var undo = new UndoRunner(host, runtime);
    // same container, same PID: runs
    assertThat(undo.run(List.of(new UndoStep.HostCommand(List.of("nsenter", "same"), c.id(), c.pid(), null)))).isEmpty();
    // another PID (restarted: a new network namespace) and a gone container: nothing to undo
    assertThat(undo.run(List.of(new UndoStep.HostCommand(List.of("nsenter", "other-pid"), c.id(), c.pid() + 1, null),
        new UndoStep.HostCommand(List.of("nsenter", "gone"), "no-such-container", 7L, null)))).isEmpty();
    assertThat(host.commands()).containsExactly(List.of("nsenter", "same"));
  }

  @Test
  void unpauseAndStartActOnTheContainerThroughTheEngine() {
    runtime.deploy("web_svc", 1);
    RunContainer c = runtime.get("web_svc", 1);
    runtime.pause(c.id());
    runtime.stop(c.id(), java.time.Duration.ZERO);
    var problems = new UndoRunner(host, runtime).run(List.of(new UndoStep.Unpause(c.id()), new UndoStep.StartContainer(c.id())));
    assertThat(problems).isEmpty();
    assertThat(runtime.paused()).isEmpty();
    assertThat(runtime.container(c.id()).running()).isTrue();
  }

  @Test
  void deleteFileTakesAFolderWithTheFilesInItAndAMissingOneIsDone() throws Exception {
    var folder = Files.createDirectories(root.resolve("data/.reprise-io-3-0"));
    Files.writeString(folder.resolve(".reprise-io-4242"), "left by a killed worker");
    var file = Files.writeString(root.resolve("data/.reprise-fill-3"), "x");
    var undo = new UndoRunner(host, runtime);
    assertThat(undo.run(List.of(new UndoStep.DeleteFile(folder.toString(), null, null), new UndoStep.DeleteFile(file.toString(), null, null))))
        .isEmpty();
    assertThat(folder).doesNotExist();
    assertThat(file).doesNotExist();
    assertThat(undo.run(List.of(new UndoStep.DeleteFile(folder.toString(), null, null)))).isEmpty();
  }

  @Test
  void startWaitsForAStopUnderWayAndLeavesARunningContainerRunning() {
    runtime.deploy("web_svc", 1);
    var c = runtime.get("web_svc", 1);
    var undo = new UndoRunner(host, runtime);
    assertThat(undo.run(List.of(new UndoStep.StartContainer(c.id(), 5000L)))).isEmpty();
    assertThat(runtime.calls()).contains("await-stop " + c.id() + " 5000ms").doesNotContain("start " + c.id());
    runtime.stop(c.id(), java.time.Duration.ZERO);
    assertThat(undo.run(List.of(new UndoStep.StartContainer(c.id(), 5000L)))).isEmpty();
    assertThat(runtime.container(c.id()).running()).isTrue();
    assertThat(runtime.calls("await-stop")).hasSize(1);
  }
}
