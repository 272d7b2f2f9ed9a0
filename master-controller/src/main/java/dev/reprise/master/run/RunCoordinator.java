package dev.reprise.master.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.agentlink.AgentConnection;
import dev.reprise.master.agentlink.AgentConnection.Incoming;
import dev.reprise.master.agentlink.AgentMessage;
import dev.reprise.master.agentlink.MasterMessage;
import dev.reprise.master.agentlink.Protocol;
import dev.reprise.master.deploy.ClusterException;
import dev.reprise.master.deploy.ComposeException;
import dev.reprise.master.deploy.ComposeTranslator;
import dev.reprise.master.deploy.DeployException;
import dev.reprise.master.deploy.EngineUnreachableException;
import dev.reprise.master.deploy.IpvsProbe;
import dev.reprise.master.deploy.StackDeployer;
import dev.reprise.master.deploy.StackSpec;
import dev.reprise.master.deploy.SwarmCluster;
import dev.reprise.master.run.time.Time;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Runs one scenario on the local swarm with the embedded agent: translate the compose file, make
 * sure a swarm exists, create the run folder and {@code run.json}, deploy, wait for the initial
 * containers, hello → arm → heartbeats and progress → {@code ended}, rewrite {@code run.json},
 * remove the stack, export, print the run folder as the last line of stdout.
 *
 * <p>A single-threaded state machine ({@link State}): {@link #run} is called once, on one thread.
 * The only other thread that takes part is the shutdown hook, through the {@link AbortSignal}: it
 * asks for an abort and waits until this coordinator has healed (via the agent), removed the stack
 * and written the run folder. The stack is removed on every path once deploying began.
 */
public final class RunCoordinator {

  /** Where the run is. Transitions only go forward; {@link #DONE} is reached on every path. */
  public enum State {
    NEW, CHECKING_ENGINE, CREATING_FOLDER, DEPLOYING, WAITING_FOR_CONTAINERS, CONNECTING_AGENT, ARMING, RUNNING,
    STOPPING_AGENT, REMOVING_STACK, EXPORTING, DONE
  }

  /** Starts an agent for a run; the embedded default runs it in-process. */
  @FunctionalInterface
  public interface AgentLauncher {
    AgentConnection start(String runId) throws IOException;
  }

  /** Turns a finished run folder into reports ({@code dashboard-export}). */
  @FunctionalInterface
  public interface RunExporter {
    void export(Path runDir) throws Exception;
  }

  /**
   * How the run ended.
   *
   * @param outcome {@code ok}, {@code failed} or {@code aborted}; {@code invalid} / {@code environment} when nothing ran
   * @param runDir the run folder, null when none was created
   * @param exitCode the CLI's exit code
   */
  public record Result(String outcome, String reason, Path runDir, int exitCode) {}

  private final SwarmCluster cluster;
  private final AgentLauncher agents;
  private final RunExporter exporter;
  private final Time time;
  private final IpvsProbe ipvs;
  private final Map<String, String> environment;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean tty;
  private final RunSettings settings;
  private final AbortSignal abort;
  private final List<State> history = new ArrayList<>();
  private State state = State.NEW;

  public RunCoordinator(SwarmCluster cluster, AgentLauncher agents, RunExporter exporter, Time time, IpvsProbe ipvs,
      Map<String, String> environment, PrintStream out, PrintStream err, boolean tty, RunSettings settings,
      AbortSignal abort) {
    this.cluster = cluster;
    this.agents = agents;
    this.exporter = exporter;
    this.time = time;
    this.ipvs = ipvs;
    this.environment = Map.copyOf(environment);
    this.out = out;
    this.err = err;
    this.tty = tty;
    this.settings = settings;
    this.abort = abort;
  }

  public State state() {
    return state;
  }

  /** Every state this coordinator went through, in order (for tests and diagnostics). */
  public List<State> history() {
    return List.copyOf(history);
  }

  private void enter(State next) {
    state = next;
    history.add(next);
  }

  /** Carries out the run; never throws for run failures (they are in the result). Call once. */
  public Result run(RunRequest request) {
    if (state != State.NEW) throw new IllegalStateException("a RunCoordinator runs once");
    try {
      return doRun(request);
    } finally {
      enter(State.DONE);
      abort.finished();
    }
  }

  private Result doRun(RunRequest req) {
    Instant start = time.now();
    // The folder's name is the run's ID and the stack's name; it is created only once the input is valid.
    enter(State.CHECKING_ENGINE);
    StackSpec stack;
    String provisionalId = RunFolders.sanitize(req.name());
    ComposeTranslator.Translation translation;
    try {
      translation = new ComposeTranslator(environment).translate(req.composeFile(), req.composeText(), provisionalId,
          req.plan().beginning());
    } catch (ComposeException e) {
      e.problems().forEach(p -> err.println(p));
      return new Result("invalid", e.problems().size() + " problem(s) in " + req.composeFile(), null, 2);
    }
    translation.warnings().forEach(w -> err.println(w));

    SwarmCluster.Engine engine;
    try {
      engine = ensureSwarm();
    } catch (EngineUnreachableException e) {
      err.println("error: " + e.getMessage());
      return new Result("environment", e.getMessage(), null, 3);
    } catch (ClusterException e) {
      err.println("error: " + e.getMessage());
      return new Result("environment", e.getMessage(), null, 3);
    }
    if (abort.aborted()) return new Result(RunManifest.ABORTED, abort.reason(), null, 1);

    enter(State.CREATING_FOLDER);
    Path runDir;
    try {
      runDir = RunFolders.create(req.outDir(), req.name(), start).toAbsolutePath();
    } catch (IOException e) {
      err.println("error: cannot create the run folder under " + req.outDir() + ": " + e.getMessage());
      return new Result("environment", e.getMessage(), null, 3);
    }
    String runId = runDir.getFileName().toString();
    try {
      stack = new ComposeTranslator(environment).translate(req.composeFile(), req.composeText(), runId,
          req.plan().beginning()).stack();
    } catch (ComposeException e) {
      throw new IllegalStateException("the compose file translated once and not twice", e);
    }
    ipvs.warning(stack).ifPresent(err::println);

    var manifest = new Manifest(req, runId, start);
    try {
      manifest.write(runDir, null, List.of(), RunManifest.RUNNING, null, null);
    } catch (IOException e) {
      err.println("error: cannot write " + runDir.resolve("run.json") + ": " + e.getMessage());
      return new Result(RunManifest.FAILED, e.getMessage(), runDir, 1);
    }
    err.println("run " + runId + ": deploying stack " + runId + " (" + stack.services().size() + " service(s)) on "
        + engine.hostname());

    var deployer = new StackDeployer(cluster, time);
    String outcome;
    String reason = null;
    Instant t0 = null;
    List<RunManifest.HostInfo> hosts = List.of();
    boolean armed = false;
    try {
      enter(State.DEPLOYING);
      deployer.deploy(stack);
      enter(State.WAITING_FOR_CONTAINERS);
      deployer.awaitRunning(stack, settings.containersTimeout(), abort::aborted);
      if (abort.aborted()) throw new InterruptedException(abort.reason());

      enter(State.CONNECTING_AGENT);
      var session = new AgentSession(req, runId, runDir, stack, engine);
      try {
        session.converse(manifest);
      } finally {
        enter(State.STOPPING_AGENT);
        session.close();
      }
      t0 = session.t0;
      hosts = session.hosts;
      armed = session.armed;
      outcome = session.outcome;
      reason = session.reason;
    } catch (DeployException e) {
      err.println("error: " + e.getMessage());
      outcome = RunManifest.FAILED;
      reason = e.getMessage();
    } catch (InterruptedException e) {
      outcome = RunManifest.ABORTED;
      reason = abort.reason() != null ? abort.reason() : "interrupted";
    } catch (ClusterException e) {
      err.println("error: " + e.getMessage());
      outcome = RunManifest.FAILED;
      reason = e.getMessage();
    } catch (IOException e) {
      err.println("error: cannot start the embedded agent: " + e.getMessage());
      outcome = RunManifest.FAILED;
      reason = "cannot start the embedded agent: " + e.getMessage();
    } catch (RuntimeException e) {
      // a bug of ours: still heal (the agent link is closed), remove the stack and write the folder
      err.println("error: " + e);
      outcome = RunManifest.FAILED;
      reason = "internal error: " + e;
    }

    try {
      manifest.write(runDir, t0, hosts, outcome, reason, time.now());
    } catch (IOException e) {
      err.println("error: cannot rewrite " + runDir.resolve("run.json") + ": " + e.getMessage());
    }

    enter(State.REMOVING_STACK);
    var removal = deployer.remove(runId, settings.removeTimeout());
    if (removal.problems().isEmpty()) {
      err.println("run " + runId + ": removed stack " + runId + " (" + removal.services().size() + " service(s), "
          + removal.networks().size() + " network(s))");
    } else {
      err.println("warning: stack " + runId + " was not removed completely:");
      removal.problems().forEach(p -> err.println("  " + p));
    }

    if (req.export() && armed && !RunManifest.ABORTED.equals(outcome)) {
      enter(State.EXPORTING);
      try {
        exporter.export(runDir);
      } catch (Exception e) {
        err.println("warning: export failed (the run folder is complete; retry with `master export " + runDir + "`): " + e);
      }
    }
    err.println("run " + runId + ": " + outcome + (reason == null ? "" : " (" + firstLine(reason) + ")"));
    out.println(runDir);
    out.flush();
    err.flush();
    return new Result(outcome, reason, runDir, RunManifest.OK.equals(outcome) ? 0 : 1);
  }

  /** The engine, with swarm mode active (a single-node swarm is initialised when it is not). */
  private SwarmCluster.Engine ensureSwarm() {
    var engine = cluster.engine();
    if (engine.swarmActive()) {
      if (!engine.manager()) throw new ClusterException("this engine is a swarm worker; run the master on a manager node");
      return engine;
    }
    if (!"inactive".equals(engine.swarmState())) {
      throw new ClusterException("swarm mode is '" + engine.swarmState() + "' on this engine; fix it (docker swarm leave --force, "
          + "or unlock it) and retry");
    }
    try {
      cluster.initSwarm("127.0.0.1");
      err.println("swarm mode was inactive: initialised a single-node swarm on this engine (advertise address 127.0.0.1)");
    } catch (ClusterException e) {
      // someone else may have initialised it meanwhile; the state below decides
    }
    engine = cluster.engine();
    if (!engine.swarmActive()) throw new ClusterException("cannot initialise a swarm on this engine (state " + engine.swarmState() + ")");
    return engine;
  }

  /** The conversation with the agent, from hello to ended. */
  private final class AgentSession {
    final RunRequest req;
    final String runId;
    final Path runDir;
    final StackSpec stack;
    final SwarmCluster.Engine engine;
    final ProgressView view;
    AgentConnection link;
    Instant t0;
    List<RunManifest.HostInfo> hosts = List.of();
    boolean armed;
    String outcome = RunManifest.FAILED;
    String reason;
    long nextHeartbeat;
    long lastHeard;
    boolean linkDead;

    AgentSession(RunRequest req, String runId, Path runDir, StackSpec stack, SwarmCluster.Engine engine) {
      this.req = req;
      this.runId = runId;
      this.runDir = runDir;
      this.stack = stack;
      this.engine = engine;
      this.view = new ProgressView(err, tty, req.plan());
    }

    void converse(Manifest manifest) throws IOException, InterruptedException {
      link = agents.start(runId);
      lastHeard = time.nanoTime();
      nextHeartbeat = time.nanoTime();
      send(new MasterMessage.Hello(Protocol.VERSION, runId, engine.hostname()));
      var hello = (AgentMessage.Hello) await(m -> m instanceof AgentMessage.Hello, settings.helloTimeout(), "hello");
      if (hello == null) return;
      if (hello.protocol() != null && hello.protocol() != Protocol.VERSION) {
        fail("the agent speaks protocol " + hello.protocol() + ", this master " + Protocol.VERSION);
        return;
      }

      enter(State.ARMING);
      t0 = time.now().plus(settings.armLead());
      JsonNode planJson = PlanJson.mapper().readTree(PlanJson.write(req.plan()));
      Path faults = req.faultsDir() == null ? null : req.faultsDir().toAbsolutePath();
      send(new MasterMessage.Arm(runId, planJson, t0, stack.name(), stack.serviceNames(), true, runDir.toString(),
          faults != null && Files.isDirectory(faults) ? faults.toString() : null, req.ntpServer(),
          settings.statsIntervalMs(), settings.stopGraceMs()));
      var ack = (AgentMessage.Armed) await(m -> m instanceof AgentMessage.Armed, settings.helloTimeout(), "armed");
      if (ack == null) return;
      armed = true;
      hosts = List.of(new RunManifest.HostInfo(hello.host() != null ? hello.host() : engine.hostname(),
          hello.nodeId() != null ? hello.nodeId() : engine.nodeId(),
          hello.dockerVersion() != null ? hello.dockerVersion() : engine.version(), hello.kernel(), hello.cores(),
          hello.memBytes(), req.ntpServer(), ack.clockOffsetMs() == null ? 0.0 : ack.clockOffsetMs(),
          ack.clockUncertaintyMs()));
      manifest.write(runDir, t0, hosts, RunManifest.RUNNING, null, null);
      err.println("run " + runId + ": armed, T0 = " + RecordJson.format(t0) + ", end after "
          + req.plan().endMillis() / 1000.0 + " s");

      enter(State.RUNNING);
      runUntilEnded();
    }

    private void runUntilEnded() throws InterruptedException {
      long endDeadline = time.nanoTime() + Duration.between(time.now(), t0).toNanos()
          + Duration.ofMillis(req.plan().endMillis()).toNanos() + settings.endGrace().toNanos();
      Long abortDeadline = null;
      boolean userAbort = false;
      String failure = null;
      try {
        while (true) {
          long now = time.nanoTime();
          if (abortDeadline == null && abort.aborted()) {
            userAbort = true;
            view.message("run " + runId + ": aborting (" + abort.reason() + "): the agent heals every active fault");
            send(new MasterMessage.Abort(abort.reason()));
            abortDeadline = now + settings.abortWait().toNanos();
          }
          if (abortDeadline == null && (now >= endDeadline || now - lastHeard >= settings.agentSilence().toNanos())) {
            failure = now >= endDeadline
                ? "the agent did not end within " + settings.endGrace().toSeconds() + " s of the planned end"
                : "the agent was silent for " + settings.agentSilence().toSeconds() + " s";
            view.message("error: " + failure + "; aborting");
            send(new MasterMessage.Abort(failure));
            abortDeadline = now + settings.abortWait().toNanos();
          }
          if (abortDeadline != null && now >= abortDeadline) {
            finish(userAbort ? RunManifest.ABORTED : RunManifest.FAILED,
                (failure != null ? failure : abort.reason()) + "; the agent did not confirm the abort within "
                    + settings.abortWait().toSeconds() + " s");
            return;
          }
          if (now >= nextHeartbeat) {
            send(new MasterMessage.Heartbeat(time.now()));
            nextHeartbeat = now + settings.heartbeat().toNanos();
            view.tick(elapsedMillis());
          }
          if (linkDead) {
            finish(userAbort ? RunManifest.ABORTED : RunManifest.FAILED, "the agent's stream closed before it ended the run");
            return;
          }
          Incoming in = link.poll(Duration.ofNanos(Math.max(1, Math.min(nextHeartbeat - time.nanoTime(), 200_000_000L))));
          if (in == null) continue;
          if (in instanceof Incoming.Closed c) {
            finish(userAbort ? RunManifest.ABORTED : RunManifest.FAILED, "the agent's stream closed before it ended the run"
                + (c.cause() == null ? "" : ": " + c.cause()));
            return;
          }
          if (in instanceof Incoming.Garbled g) {
            view.message("warning: from the agent: " + g.problem());
            continue;
          }
          var m = ((Incoming.Message) in).message();
          lastHeard = time.nanoTime();
          if (m instanceof AgentMessage.Progress p) {
            view.progress(p, elapsedMillis());
          } else if (m instanceof AgentMessage.Ended e) {
            String o = e.outcome() == null ? RunManifest.FAILED : e.outcome();
            String r = e.reason();
            if (userAbort) {
              o = RunManifest.ABORTED;
              r = abort.reason();
            } else if (failure != null) {
              o = RunManifest.FAILED;
              r = failure;
            }
            view.message(String.format(java.util.Locale.ROOT, "run %s: the agent ended the run (%s) at %.1f s%s; cleaning up",
                runId, e.outcome(), elapsedMillis() / 1000.0,
                e.healed() != null && e.healed() > 0 ? " and healed " + e.healed() + " active fault(s)" : ""));
            finish(o, r);
            return;
          } else if (m instanceof AgentMessage.Error e) {
            failure = "the agent reported an error: " + e.message();
            view.message("error: " + failure);
            if (abortDeadline == null) {
              send(new MasterMessage.Abort(failure));
              abortDeadline = time.nanoTime() + settings.abortWait().toNanos();
            }
          } else {
            other(m);
          }
        }
      } finally {
        view.close();
      }
    }

    private void finish(String o, String r) {
      outcome = o;
      reason = RunManifest.OK.equals(o) ? null : r;
    }

    private void fail(String why) {
      view.message("error: " + why);
      finish(RunManifest.FAILED, why);
    }

    private long elapsedMillis() {
      return Duration.between(t0, time.now()).toMillis();
    }

    /** Waits for the message {@code wanted} accepts, heartbeating meanwhile; null (and a failed outcome) when it does not come. */
    private AgentMessage await(Predicate<AgentMessage> wanted, Duration timeout, String what) throws InterruptedException {
      long deadline = time.nanoTime() + timeout.toNanos();
      while (true) {
        if (abort.aborted()) throw new InterruptedException(abort.reason());
        long now = time.nanoTime();
        if (now >= deadline) {
          fail("the agent did not send " + what + " within " + timeout.toSeconds() + " s");
          return null;
        }
        if (now >= nextHeartbeat) {
          send(new MasterMessage.Heartbeat(time.now()));
          nextHeartbeat = now + settings.heartbeat().toNanos();
        }
        if (linkDead) {
          fail("the agent's stream closed before it sent " + what);
          return null;
        }
        Incoming in = link.poll(Duration.ofNanos(Math.max(1, Math.min(nextHeartbeat - time.nanoTime(), 200_000_000L))));
        if (in == null) continue;
        if (in instanceof Incoming.Closed c) {
          fail("the agent's stream closed before it sent " + what + (c.cause() == null ? "" : ": " + c.cause()));
          return null;
        }
        if (in instanceof Incoming.Garbled g) {
          view.message("warning: from the agent: " + g.problem());
          continue;
        }
        var m = ((Incoming.Message) in).message();
        lastHeard = time.nanoTime();
        if (wanted.test(m)) return m;
        if (m instanceof AgentMessage.Error e) {
          fail("the agent refused " + (what.equals("armed") ? "the plan" : "the hello") + ": " + e.message());
          return null;
        }
        if (m instanceof AgentMessage.Ended e) {
          fail("the agent ended before the run began: " + e.outcome() + (e.reason() == null ? "" : " (" + e.reason() + ")"));
          return null;
        }
        other(m);
      }
    }

    private void other(AgentMessage m) {
      if (m instanceof AgentMessage.Log l) {
        String level = l.level() == null ? "info" : l.level();
        view.message((level.equals("info") ? "agent: " : level + ": agent: ") + l.message());
      } else if (m instanceof AgentMessage.Unknown u) {
        view.message("warning: the agent sent a message of unknown type '" + u.type() + "'; ignored");
      }
      // heartbeats (and progress outside the run) only prove the agent is alive
    }

    private void send(MasterMessage m) {
      if (linkDead) return;
      try {
        link.send(m);
      } catch (IOException e) {
        linkDead = true;
      }
    }

    void close() {
      if (link != null) link.close();
    }
  }

  /** Writes run.json, atomically (a reader never sees half a file). */
  private final class Manifest {
    final RunRequest req;
    final String runId;
    final Instant start;
    final RunManifest.SourceFile scenario;
    final RunManifest.SourceFile compose;
    final JsonNode plan;

    Manifest(RunRequest req, String runId, Instant start) {
      this.req = req;
      this.runId = runId;
      this.start = start;
      this.scenario = new RunManifest.SourceFile(req.scenarioFile().toString(), sha256(req.scenarioText()), req.scenarioText());
      this.compose = new RunManifest.SourceFile(req.composeFile().toString(), sha256(req.composeText()), req.composeText());
      try {
        this.plan = PlanJson.mapper().readTree(PlanJson.write(req.plan()));
      } catch (IOException e) {
        throw new IllegalStateException("PlanJson wrote what it cannot read", e);
      }
    }

    void write(Path runDir, Instant t0, List<RunManifest.HostInfo> hosts, String outcome, String reason, Instant end)
        throws IOException {
      var m = new RunManifest(RunManifest.FORMAT, req.name(), runId, toolVersion(), scenario, compose, req.seed(), plan,
          hosts, t0, start, end, outcome, reason);
      Path tmp = runDir.resolve("run.json.tmp");
      Files.writeString(tmp, RecordJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
      Files.move(tmp, runDir.resolve("run.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  static String toolVersion() {
    String v = RunCoordinator.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl) + " …";
  }
}
