package dev.reprise.master.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.fdsl.record.CampaignManifest;
import dev.reprise.master.catalog.CatalogException;
import dev.reprise.master.catalog.RunCatalog;
import dev.reprise.master.run.RunFolders;
import dev.reprise.time.ManualTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The runner's state machine against a fake launcher, cut off (as by SIGKILL) after each state and resumed. */
class CampaignRunnerTest {
  @TempDir Path dir;
  ManualTime time = new ManualTime(Instant.parse("2026-12-03T00:00:00Z"));
  ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  PrintStream err = new PrintStream(errBytes, true);
  CampaignFile campaign;
  List<PreparedRun> runs;
  CampaignStore store;
  FakeLauncher launcher = new FakeLauncher();
  FakeCatalog catalog = new FakeCatalog();
  List<Path> reports = new ArrayList<>();

  /** What a SIGKILL does to the runner: it stops right there, nothing else is written. */
  static final class SimulatedKill extends Error {
    SimulatedKill() {
      super("killed", null, false, false);
    }
  }

  /** Makes a run folder per launch, tells the runner, advances the clock by a minute, returns the outcome asked for. */
  final class FakeLauncher implements RunLauncher {
    final List<String> launched = new ArrayList<>();
    Function<String, String> outcomes = key -> "ok";
    /** Runs inside a launch after the folder exists (a cut-off mid-run, or a signal). */
    Consumer<String> duringRun = key -> { };
    volatile String aborted;

    @Override
    public Result launch(PreparedRun run, Path runsDir, Consumer<Path> folderCreated) {
      launched.add(run.spec().key());
      Path folder;
      try {
        folder = RunFolders.create(runsDir, run.spec().key(), time.now());
        Files.writeString(folder.resolve("run.json"), "{\"outcome\":\"running\"}");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      folderCreated.accept(folder);
      duringRun.accept(run.spec().key());
      time.advance(Duration.ofMinutes(1));
      if (aborted != null) return new Result("aborted", aborted, folder);
      String outcome = outcomes.apply(run.spec().key());
      return new Result(outcome, outcome.equals("ok") ? null : "it failed", folder);
    }

    @Override
    public void abortCurrent(String reason) {
      aborted = reason;
    }
  }

  static final class FakeCatalog implements RunCatalog {
    final List<CampaignRef> recorded = new ArrayList<>();
    boolean broken;

    @Override public CatalogRun record(Path runDir, CampaignRef campaign) throws CatalogException {
      if (broken) throw new CatalogException("the database is locked");
      recorded.add(campaign);
      return null;
    }

    @Override public List<CatalogRun> list(CatalogQuery query) {
      return List.of();
    }

    @Override public Optional<CatalogRun> find(String runId) {
      return Optional.empty();
    }

    @Override public void close() {}
  }

  @BeforeEach void campaign() throws Exception {
    Files.writeString(dir.resolve("docker-compose.yml"), "services:\n  web:\n    image: reprise/hello:latest\n");
    Files.writeString(dir.resolve("s.yaml"), """
        environment: {seed: 5}
        events:
          - beginning: {web: 2}
          - moment: {time: 1, services: {web: [{fault: {target: {amount: 1}, cpu: {duration: ${d}, cores: 1}}}]}}
          - end: 10
        """);
    useCampaign("""
        name: night
        cooldown: 30s
        groups:
          - name: g
            scenario: s.yaml
            repetitions: 2
            matrix: {d: [2, 3]}
        """);
  }

  void useCampaign(String yaml) throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, yaml);
    campaign = CampaignParser.parse(file);
    runs = new CampaignPreparer(null).prepare(campaign);
    store = new CampaignStore(dir.resolve("out").resolve(campaign.name()));
  }

  CampaignRunner runner(CampaignRunner.StateListener listener) {
    return new CampaignRunner(store, launcher, catalog, reports::add, time, err, listener);
  }

  CampaignManifest run(CampaignRunner runner, CampaignManifest start) {
    var onFailure = new HashMap<String, CampaignFile.OnFailure>();
    var cooldowns = new HashMap<String, Long>();
    campaign.groups().forEach(g -> {
      onFailure.put(g.name(), g.onFailure());
      cooldowns.put(g.name(), g.cooldownMillis());
    });
    return runner.run(start, runs, campaign.timeBudgetMillis(), onFailure, cooldowns);
  }

  CampaignManifest fresh() {
    return CampaignRunner.fresh(campaign, runs, time.now());
  }

  /** Every run finished once: exactly one finished attempt (the last), ok. */
  static void assertEveryRunExactlyOnce(CampaignManifest m) {
    assertThat(m.state()).isEqualTo(CampaignManifest.DONE);
    for (var r : m.runs()) {
      assertThat(r.state()).as(r.key()).isEqualTo(CampaignManifest.Run.FINISHED);
      assertThat(r.last().outcome()).as(r.key()).isEqualTo("ok");
      assertThat(r.attempts().stream().filter(a -> "ok".equals(a.outcome()))).as(r.key()).hasSize(1);
    }
  }

  @Test void runsEveryRunInOrderAndRecordsThem() throws IOException {
    var end = run(runner(null), fresh());
    assertEveryRunExactlyOnce(end);
    assertThat(launcher.launched).containsExactly("g/d=2/rep-0", "g/d=2/rep-1", "g/d=3/rep-0", "g/d=3/rep-1");
    assertThat(store.read()).isEqualTo(end);
    assertThat(end.runs().get(0).last().runDir()).startsWith("runs/");
    assertThat(store.dir().resolve(end.runs().get(0).last().runDir()).resolve("run.json")).exists();
    assertThat(end.runs()).extracting(CampaignManifest.Run::seed).containsExactly(5L, 6L, 5L, 6L);
    assertThat(catalog.recorded).extracting(RunCatalog.CampaignRef::key).containsExactlyElementsOf(launcher.launched);
    assertThat(catalog.recorded.get(0)).isEqualTo(new RunCatalog.CampaignRef("night", "g", "g/d=2/rep-0"));
    assertThat(reports).containsExactly(store.dir());
    // a cooldown between runs, none before the first
    assertThat(time.sleeps()).hasSize(3).allMatch(s -> s.contains("->"));
    assertThat(end.end()).isEqualTo(time.now());
  }

  @Test void theProgressLineSaysDoneFailedLeftAndAnEta() {
    launcher.outcomes = key -> key.equals("g/d=2/rep-0") ? "failed" : "ok";
    run(runner(null), fresh());
    String out = errBytes.toString();
    assertThat(out).contains("run 1/4 g/d=2/rep-0 (seed 5): 0 done, 0 failed, 4 left, ETA unknown");
    // one finished run of 1 min; 3 left: 3 min of runs + 2 cooldowns of 30 s
    assertThat(out).contains("run 2/4 g/d=2/rep-1 (seed 6): 0 done, 1 failed, 3 left, ETA 4m");
  }

  @Test void aCatalogFailureIsAWarningAndTheCampaignGoesOn() {
    catalog.broken = true;
    assertEveryRunExactlyOnce(run(runner(null), fresh()));
    assertThat(errBytes.toString()).contains("warning: run catalog: the database is locked");
  }

  @Test void aFailedRunContinuesByDefault() {
    launcher.outcomes = key -> key.endsWith("rep-0") ? "failed" : "ok";
    var end = run(runner(null), fresh());
    assertThat(end.state()).isEqualTo(CampaignManifest.DONE);
    assertThat(launcher.launched).hasSize(4);
    assertThat(end.runs().get(0).last().outcome()).isEqualTo("failed");
    assertThat(end.runs().get(0).last().reason()).isEqualTo("it failed");
  }

  @Test void onFailureStopStopsTheCampaign() throws Exception {
    useCampaign("name: night\non_failure: stop\ngroups: [{name: g, scenario: s.yaml, repetitions: 2, matrix: {d: [2]}}]\n");
    launcher.outcomes = key -> "failed";
    var end = run(runner(null), fresh());
    assertThat(end.state()).isEqualTo(CampaignManifest.STOPPED);
    assertThat(end.reason()).contains("g/d=2/rep-0 ended failed").contains("on_failure: stop");
    assertThat(launcher.launched).containsExactly("g/d=2/rep-0");
    assertThat(end.runs().get(1).state()).isEqualTo(CampaignManifest.Run.PENDING);
  }

  @Test void theTimeBudgetStopsNewRuns() throws Exception {
    useCampaign("name: night\ntime_budget: 90s\ngroups: [{name: g, scenario: s.yaml, repetitions: 4, matrix: {d: [2]}}]\n");
    var end = run(runner(null), fresh());
    assertThat(end.state()).isEqualTo(CampaignManifest.STOPPED);
    assertThat(end.reason()).contains("time budget of 1m30s ran out; 2 run(s) were not started");
    assertThat(launcher.launched).hasSize(2);
  }

  @Test void aSignalAbortsTheRunMarksItCutOffAndResumeRerunsIt() throws Exception {
    var runner = runner(null);
    launcher.duringRun = key -> {
      if (key.equals("g/d=2/rep-1")) runner.interrupt("the campaign was interrupted by a signal");
    };
    var end = run(runner, fresh());
    assertThat(end.state()).isEqualTo(CampaignManifest.INTERRUPTED);
    var cut = end.runs().get(1);
    assertThat(cut.state()).isEqualTo(CampaignManifest.Run.CUT_OFF);
    assertThat(cut.last().outcome()).isEqualTo("interrupted");
    assertThat(cut.last().runDir()).isNotNull();
    assertThat(launcher.launched).containsExactly("g/d=2/rep-0", "g/d=2/rep-1");
    assertThat(runner.awaitOver(Duration.ofSeconds(1))).isTrue();

    launcher = new FakeLauncher();
    var resumed = run(runner(null), CampaignRunner.resume(store.read(), campaign, runs));
    assertEveryRunExactlyOnce(resumed);
    assertThat(launcher.launched).containsExactly("g/d=2/rep-1", "g/d=3/rep-0", "g/d=3/rep-1");
    var rerun = resumed.runs().get(1);
    assertThat(rerun.attempts()).extracting(CampaignManifest.Attempt::outcome).containsExactly("interrupted", "ok");
    assertThat(rerun.attempts().get(0).runDir()).isNotEqualTo(rerun.attempts().get(1).runDir());
    assertThat(store.dir().resolve(rerun.attempts().get(0).runDir())).isDirectory(); // the partial folder is kept
  }

  /** A SIGKILL right as the runner enters {@code state} for the second run (or at the end), then --resume. */
  @ParameterizedTest @EnumSource(value = CampaignRunner.State.class, names = {"WAITING", "STARTING", "RUNNING", "RECORDING", "CATALOGUING", "DONE"})
  void killedInAnyStateAndResumedEveryRunHappensExactlyOnce(CampaignRunner.State cutAt) throws Exception {
    String cutKey = cutAt == CampaignRunner.State.DONE ? null : "g/d=2/rep-1";
    assertThatThrownBy(() -> run(runner((state, key) -> {
      if (state == cutAt && java.util.Objects.equals(key, cutKey)) throw new SimulatedKill();
    }), fresh())).isInstanceOf(SimulatedKill.class);
    var left = store.read();
    assertThat(left.state()).isEqualTo(CampaignManifest.RUNNING);
    var firstLaunches = List.copyOf(launcher.launched);

    launcher = new FakeLauncher();
    var start = CampaignRunner.resume(left, campaign, runs);
    var end = run(runner(null), start);
    assertEveryRunExactlyOnce(end);
    var all = new ArrayList<>(firstLaunches);
    all.addAll(launcher.launched);
    for (var r : runs) {
      long times = Collections.frequency(all, r.spec().key());
      // launched once, or twice when the kill came after its launch began and before its outcome was written
      boolean cutMidRun = r.spec().key().equals(cutKey)
          && (cutAt == CampaignRunner.State.RUNNING || cutAt == CampaignRunner.State.RECORDING);
      assertThat(times).as(r.spec().key()).isEqualTo(cutMidRun && cutAt == CampaignRunner.State.RECORDING ? 2 : 1);
      if (cutMidRun && cutAt == CampaignRunner.State.RECORDING) {
        var m = end.runs().stream().filter(x -> x.key().equals(r.spec().key())).findFirst().orElseThrow();
        assertThat(m.attempts()).extracting(CampaignManifest.Attempt::outcome).containsExactly("interrupted", "ok");
      }
    }
  }

  @Test void killedMidRunAfterItsFolderExistsTheFolderIsKeptAndMarked() throws Exception {
    launcher.duringRun = key -> {
      if (key.equals("g/d=3/rep-0")) throw new SimulatedKill();
    };
    assertThatThrownBy(() -> run(runner(null), fresh())).isInstanceOf(SimulatedKill.class);
    var left = store.read();
    assertThat(left.runs().get(2).state()).isEqualTo(CampaignManifest.Run.RUNNING);
    String partial = left.runs().get(2).last().runDir();
    assertThat(partial).isNotNull();

    var start = CampaignRunner.resume(left, campaign, runs);
    assertThat(start.runs().get(2).state()).isEqualTo(CampaignManifest.Run.CUT_OFF);
    assertThat(start.runs().get(2).last().outcome()).isEqualTo("interrupted");
    assertThat(start.runs().get(2).last().runDir()).isEqualTo(partial);
    launcher = new FakeLauncher();
    var end = run(runner(null), start);
    assertEveryRunExactlyOnce(end);
    assertThat(launcher.launched).containsExactly("g/d=3/rep-0", "g/d=3/rep-1");
    // run.json of the partial folder is left as the run wrote it
    assertThat(Files.readString(store.dir().resolve(partial).resolve("run.json"))).contains("running");
  }

  @Test void resumeRefusesAnotherCampaignFile() throws Exception {
    run(runner(null), fresh());
    var done = store.read();
    useCampaign("""
        name: night
        cooldown: 31s
        groups:
          - name: g
            scenario: s.yaml
            repetitions: 2
            matrix: {d: [2, 3]}
        """);
    assertThatThrownBy(() -> CampaignRunner.resume(done, campaign, runs)).isInstanceOf(CampaignRunner.NotResumable.class)
        .hasMessageContaining("is not the one this campaign was started with");
  }

  @Test void resumeRefusesAChangedScenario() throws Exception {
    var runner = runner(null);
    launcher.duringRun = key -> runner.interrupt("stop");
    run(runner, fresh());
    var left = store.read();
    Files.writeString(dir.resolve("s.yaml"), Files.readString(dir.resolve("s.yaml")).replace("end: 10", "end: 11"));
    var changed = new CampaignPreparer(null).prepare(campaign);
    assertThatThrownBy(() -> CampaignRunner.resume(left, campaign, changed)).isInstanceOf(CampaignRunner.NotResumable.class)
        .hasMessageContaining("would run another plan");
  }

  @Test void theManifestIsValidJsonAtEveryStateChange() {
    var seen = new ArrayList<String>();
    run(runner((state, key) -> {
      try {
        seen.add(state + " " + store.read().state());
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }), fresh());
    assertThat(seen).hasSize(4 * 5 + 1).last().isEqualTo("DONE running");
  }
}
