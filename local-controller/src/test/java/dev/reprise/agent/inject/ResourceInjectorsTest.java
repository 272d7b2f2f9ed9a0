package dev.reprise.agent.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.agent.heal.HealJournalStore;
import dev.reprise.agent.heal.UndoRunner;
import dev.reprise.agent.heal.UndoStep;
import dev.reprise.agent.runtime.RuntimeFailure;
import dev.reprise.agent.testing.FakeContainerRuntime;
import dev.reprise.agent.testing.FakeHostOps;
import dev.reprise.agent.testing.ManualClock;
import dev.reprise.fdsl.model.CustomFault;
import dev.reprise.fdsl.model.DiskFillFault;
import dev.reprise.fdsl.model.FaultSpec;
import dev.reprise.fdsl.model.IoFault;
import dev.reprise.fdsl.model.MemoryFault;
import dev.reprise.fdsl.model.PauseFault;
import dev.reprise.fdsl.model.RestartFault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The injectors of lasting resource faults against the fakes, with a real on-disk heal journal in a
 * temporary folder: each writes its undo to disk before it acts, heals at its TTL and at
 * {@code healAll}, and leaves nothing (in memory, on disk, on the host) when its apply fails.
 */
class ResourceInjectorsTest {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final long MIB = 1024 * 1024;

  @TempDir Path tmp;
  ManualClock clock;
  FakeContainerRuntime runtime;
  FakeHostOps host;
  HealJournalStore store;
  FaultJournal journal;
  List<FaultJournal.Healed> heals;
  InjectionContext ctx;
  /** How many heal journal entries were on disk at each fake call, by call. */
  final List<String> entriesAtCall = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    clock = new ManualClock(T0);
    runtime = new FakeContainerRuntime();
    host = new FakeHostOps(runtime).containerRoots(Files.createDirectories(tmp.resolve("roots")));
    store = new HealJournalStore(tmp.resolve("journal"), "node-1");
    heals = new CopyOnWriteArrayList<>();
    journal = new FaultJournal(clock, clock, Runnable::run, heals::add,
        new FaultJournal.Durability(store, new UndoRunner(host, runtime), "run1", "node-1"));
    ctx = new InjectionContext(runtime, host, journal, "run1", "node-1", null, Duration.ofSeconds(10), T0.plusSeconds(60));
    runtime.deploy("s_web", 2);
    runtime.onCall(call -> entriesAtCall.add(call + " @" + entriesOnDisk().size()));
    host.onCall(call -> entriesAtCall.add(call + " @" + entriesOnDisk().size()));
  }

  Target target(int slot) {
    return new Target("web", slot - 1, runtime.get("s_web", slot));
  }

  static <F extends FaultSpec> FaultApplication<F> app(int seq, Instant planned, Target target, F fault) {
    return new FaultApplication<>(seq, planned, fault, target, null);
  }

  List<HealJournalStore.Entry> entriesOnDisk() {
    return store.list(new ArrayList<>()).stream().map(HealJournalStore.Stored::entry).toList();
  }

  /** The calls starting with {@code prefix}, each with how many journal entries were on disk when the fake saw it. */
  List<String> seen(String prefix) {
    return entriesAtCall.stream().filter(c -> c.startsWith(prefix)).toList();
  }

  Path root(Target t) throws Exception {
    return Files.createDirectories(host.containerPath(t.container().pid(), "/"));
  }

  // ---------------------------------------------------------------- pause

  @Test
  void pauseWritesItsUnpauseToDiskFirstAndThawsAtPlannedPlusDuration() {
    var t = target(1);
    var r = new PauseInjector().apply(ctx, app(2, T0, t, new PauseFault(5000)));

    assertThat(r.mechanism()).isEqualTo("engine-pause");
    assertThat(seen("pause")).containsExactly("pause s_web.1 @1");
    assertThat(entriesOnDisk()).singleElement().satisfies(e -> {
      assertThat(e.undo()).containsExactly(new UndoStep.Unpause(t.container().id()));
      assertThat(e.mechanism()).isEqualTo("engine-pause");
      assertThat(e.seq()).isEqualTo(2);
    });
    assertThat(runtime.paused()).containsExactly(t.container().id());

    clock.advance(Duration.ofMillis(4999));
    assertThat(runtime.paused()).containsExactly(t.container().id());
    clock.advance(Duration.ofMillis(1));
    assertThat(runtime.paused()).isEmpty();
    assertThat(entriesOnDisk()).isEmpty();
    assertThat(heals).singleElement().satisfies(h -> {
      assertThat(h.time()).isEqualTo(T0.plusSeconds(5));
      assertThat(h.outcome()).isEqualTo(Outcome.OK);
      assertThat(h.mechanism()).isEqualTo("engine-pause");
    });
  }

  @Test
  void healAllThawsAPausedContainer() {
    new PauseInjector().apply(ctx, app(1, T0, target(2), new PauseFault(30_000)));
    assertThat(journal.healAll()).isEqualTo(1);
    assertThat(runtime.paused()).isEmpty();
    assertThat(entriesOnDisk()).isEmpty();
  }

  @Test
  void aRefusedPauseLeavesNothing() {
    runtime.failNext("pause");
    assertThatThrownBy(() -> new PauseInjector().apply(ctx, app(1, T0, target(1), new PauseFault(30_000))))
        .isInstanceOf(RuntimeFailure.class);
    assertThat(runtime.paused()).isEmpty();
    assertThat(entriesOnDisk()).isEmpty();
    assertThat(journal.active()).isEmpty();
    assertThat(heals).isEmpty();
  }

  @Test
  void aPauseThatCannotBeJournaledIsNotAsked() throws Exception {
    Files.writeString(tmp.resolve("not-a-folder"), "x");
    var unwritable = new FaultJournal(clock, clock, Runnable::run, heals::add,
        new FaultJournal.Durability(new HealJournalStore(tmp.resolve("not-a-folder"), "n"), new UndoRunner(host, runtime), "run1", "n"));
    var c2 = new InjectionContext(runtime, host, unwritable, "run1", "n", null, Duration.ofSeconds(10), T0.plusSeconds(60));
    assertThatThrownBy(() -> new PauseInjector().apply(c2, app(1, T0, target(1), new PauseFault(30_000))))
        .isInstanceOf(RuntimeFailure.class).hasMessageContaining("heal journal");
    assertThat(runtime.calls("pause")).isEmpty();
  }

  // ---------------------------------------------------------------- restart

  @Test
  void restartStopsThenStartsTheSameContainerAfterTheDownTime() {
    var t = target(1);
    var id = t.container().id();
    var r = new RestartInjector().apply(ctx, app(4, T0, t, new RestartFault(3000, 2000L)));

    assertThat(r.mechanism()).isEqualTo("engine-stop-start");
    assertThat(seen("stop")).containsExactly("stop s_web.1 2000ms @1");
    assertThat(entriesOnDisk()).singleElement().satisfies(e -> assertThat(e.undo()).containsExactly(new UndoStep.StartContainer(id, 17_000L)));
    assertThat(runtime.container(id).running()).isFalse();

    clock.advance(Duration.ofMillis(2999));
    assertThat(runtime.container(id).running()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(runtime.container(id).running()).isTrue();
    assertThat(runtime.calls()).filteredOn(c -> c.startsWith("stop") || c.startsWith("start"))
        .containsExactly("stop s_web.1 2000ms", "start s_web.1");
    assertThat(runtime.get("s_web", 1).id()).isEqualTo(id);
    assertThat(entriesOnDisk()).isEmpty();
    assertThat(heals).singleElement().satisfies(h -> assertThat(h.time()).isEqualTo(T0.plusSeconds(3)));
  }

  @Test
  void aRestartWithoutDownTimeStartsAsSoonAsStoppedWithTheRunsGrace() {
    var t = target(2);
    new RestartInjector().apply(ctx, app(1, T0, t, new RestartFault(0, null)));
    assertThat(runtime.calls("stop")).containsExactly("stop s_web.2 10000ms");
    clock.advance(Duration.ZERO);
    assertThat(runtime.container(t.container().id()).running()).isTrue();
    assertThat(heals).hasSize(1);
  }

  @Test
  void healAllStartsAStoppedContainer() {
    var t = target(1);
    new RestartInjector().apply(ctx, app(1, T0, t, new RestartFault(30_000, null)));
    assertThat(journal.healAll()).isEqualTo(1);
    assertThat(runtime.container(t.container().id()).running()).isTrue();
    assertThat(entriesOnDisk()).isEmpty();
  }

  @Test
  void aRefusedStopLeavesNothing() {
    runtime.failNext("stop");
    var t = target(1);
    assertThatThrownBy(() -> new RestartInjector().apply(ctx, app(1, T0, t, new RestartFault(1000, null))))
        .isInstanceOf(RuntimeFailure.class);
    assertThat(runtime.container(t.container().id()).running()).isTrue();
    assertThat(runtime.calls("start")).isEmpty();
    assertThat(entriesOnDisk()).isEmpty();
    assertThat(journal.active()).isEmpty();
  }

  // ---------------------------------------------------------------- memory

  @Test
  void memoryStartsOneMarkedHelperInTheContainersCgroupsAfterJournalingItsKill() {
    var t = target(1);
    var r = new MemoryInjector().apply(ctx, app(3, T0, t, new MemoryFault(10_000, 300 * MIB + 1, 64 * MIB)));

    var marker = "reprise-burner/run1/node-1/3/s_web.1";
    assertThat(r.mechanism()).isEqualTo("cgroup-helper");
    assertThat(seen("helper")).containsExactly("helper " + t.container().pid() + " " + marker
        + " memory --mib 301 --rate-mib-per-s 64 -> 5000 @1");
    assertThat(entriesOnDisk()).singleElement().satisfies(e -> assertThat(e.undo()).containsExactly(new UndoStep.KillMarked(marker)));
    assertThat(host.lifetimes()).containsEntry(5000L, Duration.ofSeconds(10));

    clock.advance(Duration.ofSeconds(10));
    assertThat(host.liveBurners()).isEmpty();
    assertThat(entriesOnDisk()).isEmpty();
    assertThat(heals).singleElement().satisfies(h -> assertThat(h.mechanism()).isEqualTo("cgroup-helper"));
  }

  @Test
  void memoryHelpersNeverOutliveTheRunAndHealAllKillsThem() {
    new MemoryInjector().apply(ctx, app(1, T0.plusSeconds(50), target(1), new MemoryFault(600_000, 8 * MIB, null)));
    assertThat(host.helperArgs().get(5000L)).containsExactly("memory", "--mib", "8");
    assertThat(host.lifetimes()).containsEntry(5000L, Duration.ofSeconds(10));
    journal.healAll();
    assertThat(host.liveBurners()).isEmpty();
    assertThat(entriesOnDisk()).isEmpty();
  }

  @Test
  void aHelperThatDoesNotStartLeavesNothing() {
    host.failNextHelper("memory");
    assertThatThrownBy(() -> new MemoryInjector().apply(ctx, app(1, T0, target(1), new MemoryFault(10_000, MIB, null))))
        .isInstanceOf(RuntimeFailure.class);
    assertThat(host.liveBurners()).isEmpty();
    assertThat(entriesOnDisk()).isEmpty();
    assertThat(journal.active()).isEmpty();
    assertThat(heals).isEmpty();
  }

  // ---------------------------------------------------------------- disk_fill

  @Test
  void diskFillWritesRealBytesInsideTheContainerAndDeletesThemAtTheTtl() throws Exception {
    var t = target(1);
    var data = Files.createDirectories(root(t).resolve("data"));
    var r = new DiskFillInjector().apply(ctx, app(7, T0, t, new DiskFillFault(20_000, "/data/", 2 * MIB + MIB / 2, null)));

    var filler = data.resolve(".reprise-fill-7");
    assertThat(r.mechanism()).isEqualTo("filler-file");
    assertThat(r.output()).isEqualTo("wrote 2.5 MiB to /data/.reprise-fill-7");
    assertThat(Files.size(filler)).isEqualTo(2 * MIB + MIB / 2);
    var bytes = Files.readAllBytes(filler);
    assertThat(bytes[0] | bytes[1] | bytes[2] | bytes[3]).as("not zeros (nothing a file system compresses away)").isNotZero();
    assertThat(entriesOnDisk()).singleElement().satisfies(e -> assertThat(e.undo())
        .containsExactly(new UndoStep.DeleteFile(filler.toString(), t.container().id(), t.container().pid())));

    clock.advance(Duration.ofSeconds(20));
    assertThat(filler).doesNotExist();
    assertThat(entriesOnDisk()).isEmpty();
    assertThat(heals).hasSize(1);
  }

  @Test
  void aFillerThatCannotBeJournaledIsNotWritten() throws Exception {
    var t = target(1);
    var data = Files.createDirectories(root(t).resolve("data"));
    Files.writeString(tmp.resolve("not-a-folder"), "x");
    var unwritable = new FaultJournal(clock, clock, Runnable::run, heals::add,
        new FaultJournal.Durability(new HealJournalStore(tmp.resolve("not-a-folder"), "n"), new UndoRunner(host, runtime), "run1", "n"));
    var c2 = new InjectionContext(runtime, host, unwritable, "run1", "n", null, Duration.ofSeconds(10), T0.plusSeconds(60));
    assertThatThrownBy(() -> new DiskFillInjector().apply(c2, app(1, T0, t, new DiskFillFault(20_000, "/data", MIB, null))))
        .isInstanceOf(RuntimeFailure.class).hasMessageContaining("heal journal");
    assertThat(data.resolve(".reprise-fill-1")).doesNotExist();
  }

  @Test
  void healAllDeletesTheFiller() throws Exception {
    var t = target(2);
    var data = Files.createDirectories(root(t).resolve("var/data"));
    new DiskFillInjector().apply(ctx, app(1, T0, t, new DiskFillFault(20_000, "/var/data", MIB, null)));
    assertThat(data.resolve(".reprise-fill-1")).exists();
    journal.healAll();
    assertThat(data.resolve(".reprise-fill-1")).doesNotExist();
    assertThat(entriesOnDisk()).isEmpty();
  }

  @Test
  void diskFillOfAFolderTheContainerDoesNotHaveFailsAndLeavesNothing() throws Exception {
    root(target(1));
    assertThatThrownBy(() -> new DiskFillInjector().apply(ctx, app(1, T0, target(1), new DiskFillFault(20_000, "/nope", MIB, null))))
        .isInstanceOf(RuntimeFailure.class).hasMessageContaining("/nope is not a directory in s_web.1");
    assertThat(entriesOnDisk()).isEmpty();
    assertThat(journal.active()).isEmpty();
  }

  @Test
  void percentIsHowFullDfSaysTheFileSystemIs() {
    // 100 MiB, 40 used, 10 reserved for root (df: size = used + available = 90, 40/90 = 44 %)
    var u = new DiskFillInjector.Usage(100 * MIB, 60 * MIB, 50 * MIB);
    assertThat(DiskFillInjector.bytesToReach(50, u)).isEqualTo(5 * MIB);
    assertThat(DiskFillInjector.bytesToReach(100, u)).isEqualTo(50 * MIB);
    assertThat(DiskFillInjector.bytesToReach(40, u)).isZero();
  }

  @Test
  void percentOfARealFileSystemWritesTheDifference() throws Exception {
    var t = target(1);
    var data = Files.createDirectories(root(t).resolve("data"));
    var store = Files.getFileStore(data);
    long used = store.getTotalSpace() - store.getUnallocatedSpace();
    double nowPercent = 100.0 * used / (used + store.getUsableSpace());
    // 8 MiB fuller than now (other writers on a busy machine move it a little in the meantime)
    double percent = nowPercent + 8.0 * MIB / (used + store.getUsableSpace()) * 100;
    var r = new DiskFillInjector().apply(ctx, app(2, T0, t, new DiskFillFault(20_000, "/data", null, percent)));
    assertThat(Files.size(data.resolve(".reprise-fill-2"))).isBetween(MIB, 32 * MIB);
    assertThat(r.output()).contains("to reach " + percent + "% used");
    journal.healAll();
  }

  // ---------------------------------------------------------------- io

  @Test
  void ioStartsOneHelperPerWorkerInFoldersOfTheirOwnAndDeletesThemAtTheTtl() throws Exception {
    var t = target(1);
    var data = Files.createDirectories(root(t).resolve("data"));
    var r = new IoInjector().apply(ctx, app(5, T0, t, new IoFault(15_000, "/data", IoFault.Mode.READWRITE, 2, 16 * MIB)));

    var marker = "reprise-burner/run1/node-1/5/s_web.1";
    var w0 = data.resolve(".reprise-io-5-0");
    var w1 = data.resolve(".reprise-io-5-1");
    long pid = t.container().pid();
    assertThat(r.mechanism()).isEqualTo("cgroup-helper");
    assertThat(seen("helper")).containsExactly(
        "helper " + pid + " " + marker + "/0 io --path " + w0 + " --mode readwrite --size-mib 16 -> 5000 @1",
        "helper " + pid + " " + marker + "/1 io --path " + w1 + " --mode readwrite --size-mib 16 -> 5001 @1");
    assertThat(entriesOnDisk()).singleElement().satisfies(e -> assertThat(e.undo()).containsExactly(new UndoStep.KillMarked(marker),
        new UndoStep.DeleteFile(w0.toString(), t.container().id(), pid), new UndoStep.DeleteFile(w1.toString(), t.container().id(), pid)));
    assertThat(w0).isDirectory();
    Files.writeString(w0.resolve(".reprise-io-5000"), "what a killed worker leaves");

    clock.advance(Duration.ofSeconds(15));
    assertThat(host.liveBurners()).isEmpty();
    assertThat(w0).doesNotExist();
    assertThat(w1).doesNotExist();
    assertThat(entriesOnDisk()).isEmpty();
    assertThat(heals).singleElement().satisfies(h -> assertThat(h.outcome()).isEqualTo(Outcome.OK));
  }

  @Test
  void aWorkerThatDoesNotStartTakesTheOthersAndTheFoldersAlong() throws Exception {
    var t = target(1);
    var data = Files.createDirectories(root(t).resolve("data"));
    host.failNextHelper("io");
    assertThatThrownBy(() -> new IoInjector().apply(ctx, app(5, T0, t, new IoFault(15_000, "/data", IoFault.Mode.WRITE, 1, MIB))))
        .isInstanceOf(RuntimeFailure.class);
    assertThat(host.liveBurners()).isEmpty();
    assertThat(data.resolve(".reprise-io-5-0")).doesNotExist();
    assertThat(entriesOnDisk()).isEmpty();
    assertThat(journal.active()).isEmpty();
  }

  @Test
  void healAllKillsTheIoWorkers() throws Exception {
    var t = target(2);
    Files.createDirectories(root(t).resolve("data"));
    new IoInjector().apply(ctx, app(1, T0, t, new IoFault(15_000, "/data", IoFault.Mode.READ, 3, MIB)));
    assertThat(host.liveBurners()).hasSize(3);
    journal.healAll();
    assertThat(host.liveBurners()).isEmpty();
    assertThat(entriesOnDisk()).isEmpty();
  }

  // ---------------------------------------------------------------- custom, capped by max_fault_duration

  /** A context with a faults folder holding {@code hang.sh}. */
  InjectionContext withScript() throws Exception {
    var faults = Files.createDirectories(tmp.resolve("faults"));
    Files.writeString(faults.resolve("hang.sh"), "sleep 1000\n");
    return new InjectionContext(runtime, host, journal, "run1", "node-1", faults, Duration.ofSeconds(10), T0.plusSeconds(60));
  }

  /** Runs the custom injector on another thread (it waits for the script) until it has journaled the script. */
  CompletableFuture<Injector.TargetResult> startCustom(InjectionContext c, FaultApplication<CustomFault> application) throws Exception {
    var result = CompletableFuture.supplyAsync(() -> {
      try {
        return new CustomInjector().apply(c, application);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    awaitTrue(() -> !journal.active().isEmpty() || result.isDone(), "the script to be journaled");
    assertThat(result).isNotDone();
    return result;
  }

  static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after 5 s waiting for " + what);
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }

  static final CustomFault HANG = new CustomFault(false, "hang.sh", null, List.of(), null, List.of());

  @Test
  void aCappedScriptIsJournaledOnDiskAndKilledAtPlannedPlusItsCap() throws Exception {
    var t = target(1);
    var result = startCustom(withScript(), app(6, T0, t, HANG.withMaxDurationMillis(30_000)));
    long pid = runtime.execPid("exec1");
    assertThat(entriesOnDisk()).singleElement().satisfies(e -> {
      assertThat(e.undo()).containsExactly(new UndoStep.KillProcess(pid, t.container().id(), t.container().pid()));
      assertThat(e.mechanism()).isEqualTo("engine-exec");
      assertThat(e.seq()).isEqualTo(6);
    });

    clock.advance(Duration.ofMillis(29_999));
    assertThat(host.calls()).doesNotContain("kill " + pid);
    assertThat(result).isNotDone();

    clock.advance(Duration.ofMillis(1));
    var r = result.get(5, TimeUnit.SECONDS);
    assertThat(host.calls()).containsOnlyOnce("kill " + pid);
    assertThat(r.exitCode()).isEqualTo(137);
    assertThat(r.mechanism()).isEqualTo("engine-exec");
    assertThat(r.outcome().status()).isEqualTo("unknown");
    assertThat(r.outcome().error()).isEqualTo("script hang.sh was still running at its cap of 30s (max_fault_duration) and was killed");
    assertThat(heals).singleElement().satisfies(h -> {
      assertThat(h.seq()).isEqualTo(6);
      assertThat(h.time()).isEqualTo(T0.plusSeconds(30));
      assertThat(h.outcome()).isEqualTo(Outcome.OK);
      assertThat(h.mechanism()).isEqualTo("engine-exec");
    });
    assertThat(entriesOnDisk()).isEmpty();
    assertThat(journal.active()).isEmpty();
  }

  @Test
  void aCapPastTheRunsEndKillsTheScriptAtTheRunsEnd() throws Exception {
    var result = startCustom(withScript(), app(1, T0.plusSeconds(50), target(2), HANG.withMaxDurationMillis(30_000)));
    clock.advance(Duration.ofSeconds(59));
    assertThat(result).isNotDone();
    clock.advance(Duration.ofSeconds(1));
    result.get(5, TimeUnit.SECONDS);
    assertThat(heals).singleElement().satisfies(h -> assertThat(h.time()).isEqualTo(T0.plusSeconds(60)));
  }

  @Test
  void aCappedScriptThatEndsByItselfLeavesNoEntryAndIsNotKilledLater() throws Exception {
    var result = startCustom(withScript(), app(2, T0, target(1), HANG.withMaxDurationMillis(30_000)));
    assertThat(entriesOnDisk()).hasSize(1);
    clock.advance(Duration.ofSeconds(10));
    runtime.finishExec("exec1", 0, "done\n");
    var r = result.get(5, TimeUnit.SECONDS);
    assertThat(r.outcome()).isEqualTo(Outcome.OK);
    assertThat(r.exitCode()).isZero();
    assertThat(entriesOnDisk()).isEmpty();
    assertThat(journal.active()).isEmpty();
    clock.advance(Duration.ofSeconds(30));
    assertThat(host.calls()).noneMatch(c -> c.startsWith("kill"));
    assertThat(heals).isEmpty();
  }

  @Test
  void theOnDiskKillOfACappedScriptStopsItWithoutTheAgent() throws Exception {
    var t = target(1);
    var result = startCustom(withScript(), app(3, T0, t, HANG.withMaxDurationMillis(30_000)));
    var undo = entriesOnDisk().get(0).undo();
    // What the watchdog or the next start runs, from the entry alone.
    assertThat(new UndoRunner(host, runtime).run(undo)).isEmpty();
    assertThat(result.get(5, TimeUnit.SECONDS).exitCode()).isEqualTo(137);
    assertThat(host.calls()).contains("kill " + runtime.execPid("exec1"));
  }

  @Test
  void theOnDiskKillSparesAPidOnceItsContainerIsGone() {
    var t = target(1);
    runtime.kill(t.container().id(), "SIGKILL");
    var step = new UndoStep.KillProcess(4242, t.container().id(), t.container().pid());
    assertThat(new UndoRunner(host, runtime).run(List.of(step))).isEmpty();
    assertThat(host.calls()).noneMatch(c -> c.startsWith("kill"));
  }

  @Test
  void healAllKillsACappedScriptBeforeItsCap() throws Exception {
    var result = startCustom(withScript(), app(4, T0, target(2), HANG.withMaxDurationMillis(30_000)));
    clock.advance(Duration.ofSeconds(5));
    assertThat(journal.healAll()).isEqualTo(1);
    var r = result.get(5, TimeUnit.SECONDS);
    assertThat(r.outcome().error()).contains("still running at heal");
    assertThat(entriesOnDisk()).isEmpty();
  }

  @Test
  void anUncappedScriptIsWaitedForAndNeverKilledEarly() throws Exception {
    var result = startCustom(withScript(), app(5, T0, target(1), HANG));
    assertThat(entriesOnDisk()).isEmpty();
    clock.advance(Duration.ofSeconds(59));
    assertThat(result).isNotDone();
    assertThat(host.calls()).noneMatch(c -> c.startsWith("kill"));
    assertThat(journal.active()).hasSize(1);
    runtime.finishExec("exec1", 0, "");
    assertThat(result.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.OK);
    assertThat(journal.active()).isEmpty();
    assertThat(heals).isEmpty();
  }
}
