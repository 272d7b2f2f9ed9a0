package dev.reprise.master.cli;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.master.experiments.BlastCap;
import dev.reprise.master.experiments.ExperimentException;
import dev.reprise.master.experiments.ExperimentRequest;
import dev.reprise.master.experiments.ExperimentRunner;
import dev.reprise.master.experiments.ExperimentState;
import dev.reprise.master.experiments.ExperimentStatus;
import dev.reprise.master.experiments.Experiments;
import dev.reprise.master.experiments.LiveStacks;
import dev.reprise.master.experiments.LocalExperiments;
import dev.reprise.master.http.ControlPlane;
import dev.reprise.master.http.RunFiles;
import dev.reprise.master.http.TokenCheck;
import dev.reprise.master.run.Outcome;
import dev.reprise.master.run.RunCoordinator;
import dev.reprise.master.runqueue.QueuedRun;
import dev.reprise.master.runqueue.RunEvent;
import dev.reprise.master.runqueue.RunQueue;
import dev.reprise.master.runqueue.RunSubmission;
import dev.reprise.time.ManualTime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine;

/** Hand-written fakes and helpers for the tests of {@code master inject} and {@code master experiments}. */
final class ExperimentCliFixtures {
  static final Instant T0 = Instant.parse("2026-12-03T15:00:00Z");
  static final String TOKEN = "cli-test-token";

  private ExperimentCliFixtures() {}

  /** What one CLI invocation printed and returned. */
  record Result(int exit, String out, String err) {
    /** No Java stack trace or exception class name leaked into the output. */
    boolean clean() {
      String all = out + err;
      return !all.contains("\tat ") && !all.contains("Exception") && !all.contains("--stacktrace");
    }
  }

  /** Runs {@code command} as {@code master} would (its error handling), capturing both streams. */
  static Result run(Object command, ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    var cli = MasterCli.configure(new CommandLine(command), false);
    var errWriter = new java.io.PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    cli.setErr(errWriter);
    cli.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    int exit = cli.execute(args);
    errWriter.flush();
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static PrintStream stream(ByteArrayOutputStream b) {
    return new PrintStream(b, true, StandardCharsets.UTF_8);
  }

  /** The experiments port in memory: records calls as strings; {@link #refuseWith} makes the next inject throw it. */
  static final class FakePort implements Experiments {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final Map<String, ExperimentStatus> byId = Collections.synchronizedMap(new LinkedHashMap<>());
    volatile ExperimentException refuseWith;

    @Override
    public ExperimentStatus inject(ExperimentRequest r) throws ExperimentException {
      calls.add("inject " + r.experimentId() + " " + r.targetService() + " " + r.action() + " " + r.durationSeconds() + "s "
          + new java.util.TreeMap<>(r.parameters()) + " " + r.safetyThreshold());
      if (refuseWith != null) throw refuseWith;
      var s = status(r.experimentId(), r.targetService(), r.action(), ExperimentState.INJECTED, r.durationSeconds(), null);
      byId.put(r.experimentId(), s);
      return s;
    }

    static ExperimentStatus status(String id, String service, dev.reprise.master.experiments.ChaosAction action, ExperimentState state,
        long duration, String message) {
      return new ExperimentStatus(id, service, action, state, T0, T0.plusSeconds(duration), state.isFinal() ? T0.plusSeconds(3) : null,
          state.isFinal() ? 3 : 0, state.isFinal() ? 0 : duration, new ExperimentStatus.SafetyMetrics(null, null, "NOT_CONFIGURED"),
          List.of(new ExperimentStatus.ImpactedNode(service.replace('/', '_') + ".1.abc", "local", state.isFinal() ? "HEALED" : "PENDING")),
          "exp-" + id + "-20261203-150000", message);
    }

    @Override
    public Optional<ExperimentStatus> status(String id) {
      calls.add("status " + id);
      return Optional.ofNullable(byId.get(id));
    }

    @Override
    public List<ExperimentStatus> list() {
      calls.add("list");
      var out = new ArrayList<>(byId.values());
      Collections.reverse(out);
      return out;
    }

    @Override
    public ExperimentStatus rollback(String id) throws ExperimentException {
      calls.add("rollback " + id);
      ExperimentStatus s = byId.get(id);
      if (s == null) throw new ExperimentException.UnknownExperiment(id);
      var r = status(id, s.targetService(), s.action(), ExperimentState.ROLLED_BACK, 60, "rolled back on request");
      byId.put(id, r);
      return r;
    }

    @Override
    public void close() {
      calls.add("close");
    }
  }

  /** A run queue with no runs (the experiments tests do not submit any). */
  static final class NoRuns implements RunQueue {
    public QueuedRun submit(RunSubmission r) { throw new UnsupportedOperationException("no runs here"); }
    public List<QueuedRun> list() { return List.of(); }
    public Optional<QueuedRun> get(String id) { return Optional.empty(); }
    public Optional<QueuedRun> abort(String id) { return Optional.empty(); }
    public Optional<Subscription> subscribe(String id, long after, Consumer<RunEvent> sink) { return Optional.empty(); }
    public void close() {}
  }

  /** A real control plane on a free loopback port over {@code port}, token {@link #TOKEN}. */
  static ControlPlane server(Experiments port, Path runs) {
    var cp = new ControlPlane(new ControlPlane.Config("127.0.0.1", 0, null), port, new NoRuns(), RunFiles.under(runs), TokenCheck.of(TOKEN));
    cp.start();
    return cp;
  }

  static URI uri(ControlPlane cp) {
    return cp.uri();
  }

  // ------------------------------------------------------------------ the local engine over fakes

  /** Stack {@code shop}: {@code shop_web} with 3 running containers, {@code shop_db} with 1. */
  static List<LiveStacks.LiveService> liveShop() {
    var web = new ArrayList<LiveStacks.LiveTask>();
    for (int i = 1; i <= 3; i++) web.add(new LiveStacks.LiveTask("tweb" + i, i, "c-web-" + i, "node1"));
    return List.of(
        new LiveStacks.LiveService("shop_db", "shop", "reprise/hello:latest", false, List.of(new LiveStacks.LiveTask("tdb1", 1, "c-db-1", "node1"))),
        new LiveStacks.LiveService("shop_web", "shop", "reprise/hello:latest", false, web));
  }

  /**
   * Plays each launched run on the manual clock as the engine would: 2 s after the start it deploys
   * (folder {@code runs/NAME-1}), arms and applies the fault; at the TTL it ends with {@link #outcome}.
   * Aborts are recorded and end the run at once ({@code ABORTED}).
   */
  static final class PlayingRunner implements ExperimentRunner {
    final ManualTime time;
    final Path runs;
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    volatile Outcome outcome = Outcome.OK;
    /** When after arming the run ends (the test gives its --duration). */
    volatile long ttlSeconds = 20;

    PlayingRunner(ManualTime time, Path runs) {
      this.time = time;
      this.runs = runs;
    }

    @Override
    public Started start(Launch launch, dev.reprise.master.run.RunListener listener) {
      calls.add("start " + launch.name() + " " + launch.stack().get(0).stack());
      Path dir = runs.resolve(launch.name() + "-1");
      Instant armAt = time.now().plusSeconds(2);
      long ttl = ttlSeconds;
      time.runAt(armAt, () -> {
        listener.deploying(launch.name() + "-1", dir);
        listener.armed(armAt, Map.of());
        listener.actionFired("node1", new AgentMessage.Progress(armAt, 1, "fault", "web", List.of(0), "ok", 0.1, Map.of()), 0);
      });
      var end = time.runAt(armAt.plusSeconds(ttl), () -> listener.ended(new RunCoordinator.Result(outcome, null, dir)));
      return reason -> {
        calls.add("abort " + launch.name() + ": " + reason);
        end.cancel();
        listener.ended(new RunCoordinator.Result(Outcome.ABORTED, reason, dir));
      };
    }
  }

  /** A {@link LocalExperiments} over {@link #liveShop}, {@code runner} and {@code time}, as the local engine would be. */
  static LocalExperiments localOverFakes(ManualTime time, PlayingRunner runner, Path stateDir) {
    return new LocalExperiments(ExperimentCliFixtures::liveShop, runner, time, stateDir, BlastCap.NONE, Duration.ofHours(1),
        ProcessHandle.current().pid(), s -> {});
  }
}
