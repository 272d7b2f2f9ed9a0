package dev.reprise.master.campaign;

import dev.reprise.fdsl.model.Durations;
import dev.reprise.fdsl.record.CampaignManifest;
import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.catalog.CatalogException;
import dev.reprise.master.catalog.RunCatalog;
import dev.reprise.time.Time;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a campaign's runs one after another, keeping {@code campaign.json} true at every instant: the
 * manifest is rewritten ({@link CampaignStore}, atomically) on every {@link State} change that
 * changes it, so a master killed in any state leaves a manifest that {@link #resume} can go on from.
 *
 * <p>States, per run: {@link State#WAITING} (the cooldown before a run, or the time budget check),
 * {@link State#STARTING} (the run is marked {@code running} with a new attempt), {@link State#RUNNING}
 * (the launcher has it; its folder is recorded as soon as it exists), {@link State#RECORDING} (its
 * outcome is written), {@link State#CATALOGUING} (the run catalog records it; a catalog failure is a
 * warning). The campaign ends in {@link State#DONE}, {@link State#STOPPED} (a run failed under
 * {@code on_failure: stop}, or the time budget ran out: no new run starts) or
 * {@link State#INTERRUPTED} ({@link #interrupt}: the current run is aborted cleanly and marked
 * {@code cut_off} with an attempt whose outcome is {@code interrupted}).
 *
 * <p>The cooldown is waited before every run but the first of a session. The time budget counts
 * wall-clock time from the campaign's first start (campaign.json's {@code start}), so a resumed
 * campaign does not get a fresh budget. Not thread-safe except {@link #interrupt}.
 */
public final class CampaignRunner {

  /** Where the runner is. */
  public enum State { WAITING, STARTING, RUNNING, RECORDING, CATALOGUING, DONE, STOPPED, INTERRUPTED }

  /** Hears every state change (tests cut the campaign off here, as a SIGKILL would). */
  @FunctionalInterface
  public interface StateListener {
    void entered(State state, String runKey);
  }

  private final CampaignStore store;
  private final RunLauncher launcher;
  private final RunCatalog catalog;
  private final CampaignReportWriter report;
  private final Time time;
  private final PrintStream err;
  private final StateListener listener;
  private volatile boolean interrupted;
  private final CountDownLatch over = new CountDownLatch(1);
  private CampaignManifest manifest;

  /**
   * @param catalog the run catalog, or null when it could not be opened (warned about by the caller)
   */
  public CampaignRunner(CampaignStore store, RunLauncher launcher, RunCatalog catalog, CampaignReportWriter report, Time time,
      PrintStream err, StateListener listener) {
    this.store = store;
    this.launcher = launcher;
    this.catalog = catalog;
    this.report = report;
    this.time = time;
    this.err = err;
    this.listener = listener == null ? (s, k) -> { } : listener;
  }

  /** The manifest of a new campaign: every run pending. */
  public static CampaignManifest fresh(CampaignFile campaign, List<PreparedRun> runs, Instant now) {
    var groups = campaign.groups().stream()
        .map(g -> new CampaignManifest.Group(g.name(), g.scenario().toString(), g.baselineText() == null ? null
            : g.faultsOff() ? g.baselineText() : g.baseline().toString(), g.repetitions()))
        .toList();
    var list = runs.stream().map(r -> new CampaignManifest.Run(r.spec().key(), r.spec().group().name(), r.spec().baseline(),
        r.spec().repetition(), r.spec().parameters(), r.spec().seed(), r.planHash(), CampaignManifest.Run.PENDING, List.of()))
        .toList();
    return new CampaignManifest(CampaignManifest.FORMAT, campaign.name(), sourceFile(campaign), now, null,
        CampaignManifest.RUNNING, null, groups, list);
  }

  static RunManifest.SourceFile sourceFile(CampaignFile campaign) {
    return new RunManifest.SourceFile(campaign.file().toString(), sha256(campaign.text()), campaign.text());
  }

  static String sha256(String text) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Why a campaign folder cannot be resumed with this campaign file; the message says what to do. */
  public static final class NotResumable extends Exception {
    public NotResumable(String message) {
      super(message);
    }
  }

  /**
   * The manifest {@code previous} brought back to go on: checked against the campaign file and its
   * runs (same sha256, same keys, same plans), a run left {@code running} marked {@code cut_off} with
   * its attempt's outcome {@code interrupted} (its partial folder is kept as it is), the campaign
   * {@code running} again.
   */
  public static CampaignManifest resume(CampaignManifest previous, CampaignFile campaign, List<PreparedRun> runs)
      throws NotResumable {
    String sha = sha256(campaign.text());
    if (previous.campaignFile() == null || !sha.equals(previous.campaignFile().sha256())) {
      throw new NotResumable("the campaign file " + campaign.file() + " is not the one this campaign was started with (sha256 "
          + sha.substring(0, 12) + "… against " + (previous.campaignFile() == null ? "none" : previous.campaignFile().sha256().substring(0, 12))
          + "… in campaign.json); resume with the same file, or start a new campaign (another name or --out)");
    }
    if (previous.runs().size() != runs.size()) {
      throw new NotResumable("campaign.json lists " + previous.runs().size() + " runs, the campaign file expands to " + runs.size());
    }
    var out = new ArrayList<CampaignManifest.Run>();
    for (int i = 0; i < runs.size(); i++) {
      var was = previous.runs().get(i);
      var now = runs.get(i);
      if (!was.key().equals(now.spec().key())) {
        throw new NotResumable("run " + (i + 1) + " of campaign.json is " + was.key() + ", the campaign file's is " + now.spec().key());
      }
      if (!CampaignManifest.Run.FINISHED.equals(was.state()) && !now.planHash().equals(was.planHash())) {
        throw new NotResumable("run " + was.key() + " would run another plan than the one campaign.json recorded (a scenario changed"
            + " since the campaign started: plan " + now.planHash().substring(0, 12) + "… against " + was.planHash().substring(0, 12)
            + "…); restore the scenario or start a new campaign");
      }
      if (CampaignManifest.Run.RUNNING.equals(was.state())) {
        out.add(cutOff(was, null, "the campaign was cut off while this run ran (the master was killed or the machine stopped)"));
      } else {
        out.add(was);
      }
    }
    return new CampaignManifest(previous.format(), previous.name(), previous.campaignFile(), previous.start(), null,
        CampaignManifest.RUNNING, null, previous.groups(), out);
  }

  private static CampaignManifest.Run cutOff(CampaignManifest.Run run, Instant end, String reason) {
    var attempts = new ArrayList<>(run.attempts());
    var last = run.last();
    if (last != null) {
      attempts.set(attempts.size() - 1, new CampaignManifest.Attempt(last.runDir(), last.runId(), last.start(), end,
          "interrupted", reason));
    }
    return with(run, CampaignManifest.Run.CUT_OFF, attempts);
  }

  private static CampaignManifest.Run with(CampaignManifest.Run r, String state, List<CampaignManifest.Attempt> attempts) {
    return new CampaignManifest.Run(r.key(), r.group(), r.baseline(), r.repetition(), r.parameters(), r.seed(), r.planHash(),
        state, attempts);
  }

  /**
   * Asks the campaign to stop: no new run starts, the current run is aborted and cleaned up.
   * Returns at once; {@link #awaitOver} waits for the campaign's last manifest to be written.
   */
  public void interrupt(String reason) {
    interrupted = true;
    interruptReason = reason;
    launcher.abortCurrent(reason);
  }

  private volatile String interruptReason;

  /** Waits up to {@code bound} until {@link #run} has written its last manifest; true when it has. */
  public boolean awaitOver(Duration bound) throws InterruptedException {
    return over.await(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Runs every run of {@code start} that is not finished, in order, and returns the final manifest
   * (state done, stopped or interrupted).
   *
   * @param runs the prepared runs, in the manifest's order
   * @param cooldowns per run, the cooldown before it (its group's)
   * @param timeBudgetMillis 0: no budget
   */
  public CampaignManifest run(CampaignManifest start, List<PreparedRun> runs, long timeBudgetMillis,
      Map<String, CampaignFile.OnFailure> onFailureByGroup, Map<String, Long> cooldownByGroup) {
    manifest = start;
    try {
      store.write(manifest);
      for (var r : manifest.runs()) {
        if (CampaignManifest.Run.CUT_OFF.equals(r.state()) && r.last() != null && r.last().runId() != null) {
          launcher.removeLeftovers(r.last().runId()).forEach(p -> err.println("warning: cleaning up after " + r.key() + ": " + p));
        }
      }
      var durations = previousDurations(manifest);
      boolean first = true;
      String endState = CampaignManifest.DONE;
      String endReason = null;
      for (int i = 0; i < runs.size(); i++) {
        var run = manifest.runs().get(i);
        if (CampaignManifest.Run.FINISHED.equals(run.state())) continue;
        var prepared = runs.get(i);
        enter(State.WAITING, run.key());
        long cooldown = cooldownByGroup.getOrDefault(run.group(), 0L);
        if (!first && cooldown > 0 && !interrupted) {
          try {
            time.sleep(Duration.ofMillis(cooldown));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            interrupted = true;
          }
        }
        if (interrupted) {
          endState = CampaignManifest.INTERRUPTED;
          endReason = interruptReason;
          break;
        }
        if (timeBudgetMillis > 0 && Duration.between(manifest.start(), time.now()).toMillis() >= timeBudgetMillis) {
          endState = CampaignManifest.STOPPED;
          endReason = "the time budget of " + Durations.format(timeBudgetMillis) + " ran out; " + left(manifest) + " run(s) were not started";
          break;
        }
        first = false;
        progress(i, runs.size(), durations, cooldown);

        enter(State.STARTING, run.key());
        Instant attemptStart = time.now();
        var attempts = new ArrayList<>(run.attempts());
        attempts.add(new CampaignManifest.Attempt(null, null, attemptStart, null, null, null));
        replace(i, with(run, CampaignManifest.Run.RUNNING, attempts));

        enter(State.RUNNING, run.key());
        final int index = i;
        RunLauncher.Result result;
        long t0 = time.nanoTime();
        try {
          result = launcher.launch(prepared, store.dir().resolve("runs"), dir -> folderCreated(index, dir));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          interrupted = true;
          result = new RunLauncher.Result("aborted", "interrupted", null);
        } catch (RuntimeException e) {
          result = new RunLauncher.Result("failed", "the run failed unexpectedly: " + e, null);
        }
        durations.add(Duration.ofNanos(time.nanoTime() - t0));

        enter(State.RECORDING, run.key());
        var current = manifest.runs().get(i);
        var last = current.last();
        String runDir = last.runDir();
        if (runDir == null && result.runDir() != null) runDir = relative(result.runDir());
        String runId = result.runDir() != null ? result.runDir().getFileName().toString() : last.runId();
        var done = new ArrayList<>(current.attempts());
        if (interrupted && !result.ok()) {
          done.set(done.size() - 1, new CampaignManifest.Attempt(runDir, runId, last.start(), time.now(), "interrupted",
              interruptReason + (result.reason() == null ? "" : "; the run: " + result.reason())));
          replace(i, with(current, CampaignManifest.Run.CUT_OFF, done));
        } else {
          done.set(done.size() - 1, new CampaignManifest.Attempt(runDir, runId, last.start(), time.now(), result.outcome(),
              result.reason()));
          replace(i, with(current, CampaignManifest.Run.FINISHED, done));
        }

        if (result.runDir() != null && !(interrupted && !result.ok())) {
          enter(State.CATALOGUING, run.key());
          catalog(result.runDir(), run);
        }
        if (interrupted) {
          endState = CampaignManifest.INTERRUPTED;
          endReason = interruptReason;
          break;
        }
        if (!result.ok()) {
          err.println("campaign: run " + run.key() + " ended " + result.outcome() + (result.reason() == null ? "" : ": " + result.reason()));
          if (onFailureByGroup.getOrDefault(run.group(), CampaignFile.OnFailure.CONTINUE) == CampaignFile.OnFailure.STOP) {
            endState = CampaignManifest.STOPPED;
            endReason = "run " + run.key() + " ended " + result.outcome() + " and its group says on_failure: stop";
            break;
          }
        }
      }
      State state = endState.equals(CampaignManifest.DONE) ? State.DONE
          : endState.equals(CampaignManifest.STOPPED) ? State.STOPPED : State.INTERRUPTED;
      enter(state, null);
      manifest = new CampaignManifest(manifest.format(), manifest.name(), manifest.campaignFile(), manifest.start(),
          time.now(), endState, endReason, manifest.groups(), manifest.runs());
      store.write(manifest);
      err.println("campaign " + manifest.name() + ": " + endState + (endReason == null ? "" : " (" + endReason + ")") + "; "
          + count(manifest, true) + " ok, " + count(manifest, false) + " not ok, " + left(manifest) + " left; " + store.file());
      try {
        report.write(store.dir());
      } catch (IOException | RuntimeException e) {
        err.println("warning: the campaign report was not written: " + e.getMessage());
      }
      return manifest;
    } finally {
      over.countDown();
    }
  }

  private void folderCreated(int index, Path dir) {
    var run = manifest.runs().get(index);
    var attempts = new ArrayList<>(run.attempts());
    var last = run.last();
    attempts.set(attempts.size() - 1, new CampaignManifest.Attempt(relative(dir), dir.getFileName().toString(), last.start(),
        null, null, null));
    replace(index, with(run, run.state(), attempts));
  }

  private String relative(Path runDir) {
    Path base = store.dir().toAbsolutePath().normalize();
    Path abs = runDir.toAbsolutePath().normalize();
    return abs.startsWith(base) ? base.relativize(abs).toString() : abs.toString();
  }

  private void catalog(Path runDir, CampaignManifest.Run run) {
    if (catalog == null) return;
    try {
      catalog.record(runDir, new RunCatalog.CampaignRef(manifest.name(), run.group(), run.key()));
    } catch (CatalogException e) {
      err.println("warning: run catalog: " + e.getMessage());
    } catch (RuntimeException e) {
      err.println("warning: run catalog: " + e);
    }
  }

  private synchronized void replace(int index, CampaignManifest.Run run) {
    var runs = new ArrayList<>(manifest.runs());
    runs.set(index, run);
    manifest = new CampaignManifest(manifest.format(), manifest.name(), manifest.campaignFile(), manifest.start(), manifest.end(),
        manifest.state(), manifest.reason(), manifest.groups(), runs);
    store.write(manifest);
  }

  private void enter(State state, String key) {
    listener.entered(state, key);
  }

  /** The durations of attempts that finished in earlier sessions, for the ETA. */
  private static List<Duration> previousDurations(CampaignManifest m) {
    var out = new ArrayList<Duration>();
    for (var r : m.runs()) {
      var last = r.last();
      if (CampaignManifest.Run.FINISHED.equals(r.state()) && last != null && last.start() != null && last.end() != null) {
        out.add(Duration.between(last.start(), last.end()));
      }
    }
    return out;
  }

  private void progress(int index, int total, List<Duration> durations, long cooldownMillis) {
    int left = left(manifest);
    String eta = "ETA unknown until a run has finished";
    if (!durations.isEmpty()) {
      long mean = durations.stream().mapToLong(Duration::toMillis).sum() / durations.size();
      long etaMillis = left * mean + Math.max(0, left - 1) * cooldownMillis;
      eta = "ETA " + Durations.format(Math.max(1000, etaMillis / 1000 * 1000)) + " (mean run " + Durations.format(mean / 1000 * 1000 + 1000 * (mean % 1000 >= 500 ? 1 : 0)) + ")";
    }
    var run = manifest.runs().get(index);
    err.println("campaign " + manifest.name() + ": run " + (index + 1) + "/" + total + " " + run.key() + " (seed " + run.seed()
        + (run.attempts().isEmpty() ? "" : ", attempt " + (run.attempts().size() + 1)) + "): " + count(manifest, true) + " done, "
        + count(manifest, false) + " failed, " + left + " left, " + eta);
  }

  /** Finished runs that ended ok (true) or not (false). */
  static int count(CampaignManifest m, boolean ok) {
    int n = 0;
    for (var r : m.runs()) {
      if (CampaignManifest.Run.FINISHED.equals(r.state()) && r.last() != null && "ok".equals(r.last().outcome()) == ok) n++;
    }
    return n;
  }

  static int left(CampaignManifest m) {
    int n = 0;
    for (var r : m.runs()) if (!CampaignManifest.Run.FINISHED.equals(r.state())) n++;
    return n;
  }
}
