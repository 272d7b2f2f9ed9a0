package dev.reprise.master.cli;

import dev.reprise.export.Exporter;
import dev.reprise.fdsl.LoadedScenario;
import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.ScenarioLoader;
import dev.reprise.fdsl.model.Environment;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.master.agentlink.ChildProcessAgent;
import dev.reprise.master.catalog.CatalogRecorder;
import dev.reprise.master.cluster.DockerCliImages;
import dev.reprise.master.cluster.HostOperationException;
import dev.reprise.master.hosts.HostsFile;
import dev.reprise.master.hosts.HostsFileException;
import dev.reprise.master.hosts.HostsFileParser;
import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.remote.MultiHostSetup;
import dev.reprise.master.remote.SshRunAgents;
import dev.reprise.master.grafana.GrafanaAnnotations;
import dev.reprise.master.metrics.MetricsServer;
import dev.reprise.master.metrics.RunMetrics;
import dev.reprise.master.run.ProgressView;
import dev.reprise.master.run.RunAgents;
import dev.reprise.master.run.RunCoordinator;
import dev.reprise.master.run.RunHandle;
import dev.reprise.master.run.RunListener;
import dev.reprise.master.run.RunService;
import dev.reprise.master.safety.SafetyLoop;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import dev.reprise.master.run.RunFolders;
import dev.reprise.master.run.RunRequest;
import dev.reprise.master.run.RunSettings;
import dev.reprise.master.run.time.SystemTicker;
import dev.reprise.master.ssh.JschConnector;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.master.swarm.IpvsProbe;
import dev.reprise.master.swarm.SwarmOrchestrator;
import dev.reprise.time.SystemTime;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code master run SCENARIO}: runs a scenario on the local Docker engine (a single-node swarm,
 * initialised when swarm mode is inactive) with the agent as a child process of this JVM
 * ({@link ChildProcessAgent}: when the master dies, even by SIGKILL, the agent sees EOF and heals),
 * and prints the run
 * folder's path as the last line of stdout. Exit codes: 0 ok, 1 the run failed or was aborted, 2
 * invalid scenario, compose or hosts file (nothing deployed), 3 no Docker engine, or a host
 * unreachable, without Docker or with a refused host key.
 *
 * <p>With {@code --hosts FILE}: the run spans the hosts of that file ({@link MultiHostSetup}: swarm,
 * agent jar, fault scripts and images brought up over SSH; the stack deployed through the first
 * host's engine), with one agent per host over SSH ({@link SshRunAgents}); at the end every host's
 * records are pulled and merged into the run folder.
 *
 * <p>Ctrl-C (SIGINT) or SIGTERM: a shutdown hook asks the run to abort, waits until the agent has
 * healed every active fault, the stack is removed and run.json says {@code aborted}, then exits 1.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Run a scenario on the local Docker engine and write a run folder.",
        "The run folder's path is the last line of stdout; progress goes to stderr."})
public final class RunCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "SCENARIO", description = "The FDSL scenario file.")
  Path scenario;

  @Option(names = "--compose", paramLabel = "FILE",
      description = "The compose file (default: the one next to the scenario, as `master validate` finds it).")
  Path compose;

  @Option(names = "--faults", paramLabel = "DIR",
      description = "A further folder of custom fault scripts, searched after the scenario's faults/ and environment.faults"
          + " (and before $LSDS_FAULTS_FOLDER_LOCAL).")
  Path faults;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs",
      description = "Parent folder of the run folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--name", paramLabel = "NAME",
      description = "The run's name; the folder is NAME-yyyyMMdd-HHmmss (default: the scenario file's base name).")
  String name;

  @Option(names = "--seed", paramLabel = "N", description = "Override the scenario's seed.")
  Long seed;

  @Option(names = "--no-export", description = "Do not export reports into the run folder at the end.")
  boolean noExport;

  @Option(names = "--stacktrace", description = "Print stack traces of unexpected errors.")
  boolean stacktrace;

  @Option(names = "--hosts", paramLabel = "FILE",
      description = "Run on the hosts of this file over SSH (see testbed/README.md); the first host is the swarm manager.")
  Path hostsFile;

  @Option(names = "--accept-new-host-keys", description = "With --hosts: add unknown host keys to known_hosts (changed keys are always refused).")
  boolean acceptNewHostKeys;

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Serve the run's Prometheus metrics at http://BIND:PORT/metrics while it lasts (0: any free port).")
  Integer metricsPort;

  @Option(names = "--metrics-bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "The address --metrics-port listens on (default: ${DEFAULT-VALUE}, loopback only).")
  String metricsBind;

  @Option(names = "--agent-jar", paramLabel = "JAR",
      description = "With --hosts: the agent jar to ship (default: agent-all.jar next to the master jar, or local-controller/target/agent-all.jar).")
  Path agentJar;

  @Option(names = "--catalog", paramLabel = "LOCATION",
      description = "Record the run in this catalog: an SQLite file, a jdbc:sqlite: or jdbc:postgresql: URL"
          + " (default: $REPRISE_CATALOG, else OUT/catalog.db).")
  String catalog;

  @Option(names = "--no-catalog", description = "Do not record the run in the run catalog.")
  boolean noCatalog;

  /**
   * Set by {@code master rerun} ({@link RerunCommand}), which runs a run folder's inputs through this
   * same path: the run ID the new run replays (recorded as {@code replay_of}); null for {@code master run}.
   * A replay reads its fault scripts from the run folder's copy only, never from
   * {@value ScenarioLoader#FAULTS_ENV}.
   */
  String replayOf;

  @Option(names = "--repeat", paramLabel = "N",
      description = "Run the scenario N times as a campaign of one group (seeds: the scenario's seed + 0..N-1, or --seed + 0..N-1);"
          + " the run folders, campaign.json and the campaign report go to OUT/NAME-xN-STAMP/ (see `master campaign`).")
  Integer repeat;

  @Option(names = "--with-baseline",
      description = "Run the scenario's baseline first (environment.baseline: faults-off, the default, or a scenario file), then the"
          + " scenario, then compare them into RUN/comparison (summary.md, charts, verdict); exit 1 when a budget of"
          + " environment.expect is missed.")
  boolean withBaseline;

  @Mixin ThresholdOptions thresholdOptions = new ThresholdOptions();

  @Mixin SummaryOptions summaryOptions = new SummaryOptions();

  /**
   * Set by a campaign ({@link CommandRunLauncher}), which runs each of its runs through this same
   * path: the variables the compose file's {@code ${VAR}} sees (null: this process's environment).
   */
  Map<String, String> composeEnvironment;

  /** Set by a campaign: further listeners of the run (null: none). */
  List<RunListener> extraListeners;

  /** Set by a campaign: false leaves Ctrl-C to the campaign's own hook (which aborts through {@link #abortCurrent}). */
  boolean installSignalHook = true;

  /** How the last run this command started ended (null: it never started a run). */
  volatile RunCoordinator.Result lastResult;

  private volatile RunHandle currentHandle;
  private volatile String abortRequested;

  /** Aborts the run in progress, or the next one as soon as it starts; callable from any thread. */
  void abortCurrent(String reason) {
    abortRequested = reason;
    RunHandle handle = currentHandle;
    if (handle != null) handle.abort(reason);
  }

  private final PrintStream stdout;
  private final PrintStream stderr;

  public RunCommand() {
    this(System.out, System.err);
  }

  /** For tests: the run folder's path goes to {@code stdout}, everything else to {@code stderr}. */
  public RunCommand(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  @Override
  public Integer call() {
    if (repeat != null && withBaseline) {
      stderr.println("error: --repeat and --with-baseline do not go together; for repetitions with a baseline, write a campaign"
          + " file with baseline: faults-off (see `master campaign`)");
      return ExitCodes.INVALID_INPUT;
    }
    if (repeat != null) return CampaignCommand.repeat(this, stdout, stderr);
    try {
      return withBaseline ? BaselineFlow.run(this, stdout, stderr) : run();
    } catch (RuntimeException e) {
      stderr.println("error: " + e);
      if (stacktrace) e.printStackTrace(stderr);
      else stderr.println("(rerun with --stacktrace for details)");
      return ExitCodes.RUN_FAILED;
    } catch (OutOfMemoryError e) {
      // the input limits (fdsl-schema's README) should prevent it; never a stack trace
      stderr.println(ScenarioArgs.outOfMemoryMessage(scenario));
      stderr.flush();
      return ExitCodes.RUN_FAILED;
    }
  }

  private int run() {
    LoadedScenario loaded;
    Plan plan;
    if (faults != null && !Files.isDirectory(faults)) {
      stderr.println("error: --faults " + faults + " is not a folder; nothing was deployed");
      return ExitCodes.INVALID_INPUT;
    }
    try {
      loaded = ScenarioLoader.load(scenario, compose, faults, replayOf != null ? null : System.getenv(ScenarioLoader.FAULTS_ENV));
      plan = loaded.plan(seed);
    } catch (ScenarioException e) {
      e.diagnostics().forEach(d -> stderr.println(d));
      stderr.println(e.diagnostics().size() + " problem(s); nothing was deployed");
      return ExitCodes.INVALID_INPUT;
    }
    return runWithFaults(loaded, plan);
  }

  /** From the loaded scenario on: the one path of {@code master run}, {@code master rerun} and a campaign's runs. */
  int runWithFaults(LoadedScenario loaded, Plan plan) {
    try (var runFaults = RunFaults.of(loaded)) {
      if (runFaults.merged()) {
        stderr.println("custom fault scripts come from " + loaded.faultFolders() + "; the run uses a merged copy in "
            + runFaults.dir());
      }
      return run(loaded, plan, runFaults.dir());
    } catch (java.io.IOException e) {
      stderr.println("error: " + e.getMessage() + "; nothing was deployed");
      return ExitCodes.ENVIRONMENT;
    }
  }

  /**
   * Runs an already loaded and planned scenario (a campaign's run: its parameters substituted, its
   * plan possibly without faults) through the same path as {@code master run}: fault scripts,
   * engine or hosts, listeners, and the exit code. {@link #lastResult} says how the run ended.
   */
  int runLoaded(LoadedScenario loaded, Plan plan) {
    try {
      return runWithFaults(loaded, plan);
    } catch (RuntimeException e) {
      stderr.println("error: " + e);
      if (stacktrace) e.printStackTrace(stderr);
      return ExitCodes.RUN_FAILED;
    }
  }

  private Map<String, String> composeEnvironment() {
    return composeEnvironment != null ? composeEnvironment : System.getenv();
  }

  private int run(LoadedScenario loaded, Plan plan, Path faultsDir) {
    var request = new RunRequest(name != null ? name : RunFolders.defaultName(scenario), out, loaded.scenarioFile(),
        loaded.scenarioText(), loaded.composeFile(), loaded.composeText(), loaded.effectiveSeed(seed), plan,
        faultsDir, loaded.ntpServer().orElse(null), loaded.ntpResyncMillis(), !noExport,
        loaded.scenario().environment().safety(), loaded.scenario().environment().grafana(),
        loaded.scenario().environment().restart() == Environment.Restart.KEEP);
    if (replayOf != null) request = request.withReplayOf(replayOf);

    if (hostsFile != null) return runOnHosts(request, loaded.ntpServer().isPresent());
    var settings = RunSettings.DEFAULTS;
    try (var cluster = DockerSwarmCluster.connect()) {
      var agents = RunAgents.local(runId -> ChildProcessAgent.start(runId, settings.abortWait()));
      var orchestrator = new SwarmOrchestrator(cluster, SystemTime.INSTANCE, IpvsProbe.local(), composeEnvironment());
      return runAndWait(request, null, new RunService.Target(orchestrator, agents, settings));
    } catch (java.io.IOException e) {
      stderr.println("warning: closing the Docker client: " + e.getMessage());
      return ExitCodes.RUN_FAILED;
    }
  }

  /** The multi-host path: hosts file, cluster up over SSH, the manager's engine through a forward, one agent per host. */
  private int runOnHosts(RunRequest request, boolean scenarioHasNtp) {
    HostsFile hosts;
    try {
      hosts = new HostsFileParser().parse(hostsFile);
    } catch (HostsFileException e) {
      e.problems().forEach(stderr::println);
      stderr.println(e.problems().size() + " problem(s) in " + hostsFile + "; nothing was deployed");
      return ExitCodes.INVALID_INPUT;
    }
    // translated once, here: the images are shipped before the coordinator (which deploys this translation) exists
    Orchestrator.Translation translation;
    try {
      translation = SwarmOrchestrator.translator(composeEnvironment()).translate(request.composeFile(), request.composeText(),
          request.plan().beginning(), request.keepRestartPolicies());
    } catch (ScenarioException e) {
      e.diagnostics().forEach(stderr::println);
      stderr.println(e.diagnostics().size() + " problem(s) in " + request.composeFile() + "; nothing was deployed");
      return ExitCodes.INVALID_INPUT;
    }
    translation.warnings().forEach(stderr::println);
    List<String> images = translation.stack().images();
    Path jar = agentJar != null ? agentJar : ClusterCommand.defaultAgentJar();
    if (jar == null || !Files.isRegularFile(jar)) {
      stderr.println("error: no agent jar " + (jar == null ? "found" : "at " + jar)
          + "; build local-controller (./mvnw -pl local-controller package) or pass --agent-jar");
      return ExitCodes.INVALID_INPUT;
    }
    // the scenario's ntp_server wins; else the hosts file's, so every host measures against the same clock
    if (!scenarioHasNtp && hosts.ntpServer() != null) {
      request = request.withNtpServer(hosts.ntpServer());
    }
    MultiHostSetup setup;
    try {
      setup = MultiHostSetup.prepare(hosts, new JschConnector(hosts.knownHosts(), acceptNewHostKeys), new DockerCliImages(),
          jar, request.faultsDir(), images, stderr);
    } catch (HostOperationException e) {
      e.problems().forEach(p -> stderr.println("error: " + p));
      return e.environment() || e.problems().stream().anyMatch(p -> p.contains("host key")) ? ExitCodes.ENVIRONMENT
          : ExitCodes.RUN_FAILED;
    } catch (java.io.IOException e) {
      stderr.println("error: " + e.getMessage());
      return ExitCodes.ENVIRONMENT;
    }
    var settings = RunSettings.MULTI_HOST_DEFAULTS;
    try (setup) {
      var agents = new SshRunAgents(setup.hosts(), settings.abortWait());
      var orchestrator = new SwarmOrchestrator(setup.manager(), SystemTime.INSTANCE, setup.ipvs(), composeEnvironment());
      return runAndWait(request, translation, new RunService.Target(orchestrator, agents, settings));
    }
  }

  /**
   * Starts the run ({@link RunService}) with the terminal's view of it as its listener and the
   * Ctrl-C hook installed, waits for it, and maps its outcome to the exit code. The run folder's
   * path is printed as the last line of stdout when the run ends (before a signal's hook halts).
   */
  private int runAndWait(RunRequest request, Orchestrator.Translation translation, RunService.Target target) {
    var view = new ProgressView(stderr, System.console() != null, request.plan());
    RunListener printFolder = new RunListener() {
      @Override
      public void ended(RunCoordinator.Result result) {
        if (result.runDir() != null) stdout.println(result.runDir());
        stdout.flush();
        stderr.flush();
      }
    };
    var listeners = new ArrayList<RunListener>(List.of(view, printFolder));
    if (extraListeners != null) listeners.addAll(extraListeners);
    SafetyLoop.forRun(request, SystemTime.INSTANCE).ifPresent(listeners::add);
    if (!noCatalog) listeners.add(CatalogRecorder.at(catalog, out, stderr::println));
    MetricsServer metrics = null;
    GrafanaAnnotations annotations = null;
    try {
      if (metricsPort != null) {
        var registry = new PrometheusRegistry();
        listeners.add(new RunMetrics(registry, request.plan(), request.name(), SystemTime.INSTANCE));
        try {
          metrics = MetricsServer.start(registry, metricsBind, metricsPort);
        } catch (java.io.IOException e) {
          stderr.println("error: " + e.getMessage() + " (choose another --metrics-port); nothing was deployed");
          return ExitCodes.ENVIRONMENT;
        }
        stderr.println("metrics: serving the run's Prometheus metrics at " + metrics.url());
      }
      if (request.grafana() != null) {
        GrafanaAnnotations.Target grafana;
        try {
          grafana = GrafanaAnnotations.Target.of(request.grafana(), request.scenarioFile().toAbsolutePath().getParent(), System.getenv());
        } catch (IllegalArgumentException e) {
          stderr.println("error: " + e.getMessage() + "; nothing was deployed");
          return ExitCodes.INVALID_INPUT;
        }
        annotations = new GrafanaAnnotations(grafana, request.plan(), request.name(), SystemTime.INSTANCE, stderr::println);
        listeners.add(annotations);
      }
      return startAndWait(request, translation, target, listeners);
    } finally {
      if (annotations != null) annotations.close();
      if (metrics != null) {
        lingerForTheLastScrape();
        metrics.close();
      }
    }
  }

  /** How long the metrics stay served after the run, so a scraper sees the run's last figures (outcome, heals). */
  static final Duration METRICS_LINGER = Duration.ofSeconds(2);

  private static void lingerForTheLastScrape() {
    try {
      Thread.sleep(METRICS_LINGER.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private int startAndWait(RunRequest request, Orchestrator.Translation translation, RunService.Target target,
      List<RunListener> listeners) {
    var service = new RunService(dir -> new Exporter().export(dir), SystemTime.INSTANCE, SystemTicker.INSTANCE);
    var handle = service.start(request, translation, target, listeners);
    currentHandle = handle;
    if (abortRequested != null) handle.abort(abortRequested);
    Thread hook = new Thread(() -> onSignal(handle, target.settings()), "master-run-abort");
    if (installSignalHook) Runtime.getRuntime().addShutdownHook(hook);
    try {
      var result = handle.await();
      lastResult = result;
      return ExitCodes.of(result.outcome());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      handle.abort("interrupted");
      return ExitCodes.RUN_FAILED;
    } finally {
      currentHandle = null;
      try {
        if (installSignalHook) Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down (Ctrl-C): the hook is running and sets the exit code
      }
    }
  }

  /** Shutdown hook: abort the run in progress, wait until it is cleaned up, exit 1. */
  private void onSignal(RunHandle handle, RunSettings settings) {
    if (handle.finished()) return;
    handle.abort("interrupted by a signal (Ctrl-C or SIGTERM)");
    try {
      Duration bound = settings.abortWait().plus(settings.removeTimeout()).plus(settings.containersTimeout())
          .plus(Duration.ofSeconds(30));
      if (handle.await(bound).isEmpty()) {
        stderr.println("error: the run did not clean up within " + bound.toSeconds() + " s; check `docker service ls`");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IllegalStateException e) {
      stderr.println("error: " + e.getMessage()); // the run failed unexpectedly; the exit code is still 1
    }
    stdout.flush();
    stderr.flush();
    // a signal's own exit status would be 130/143; the documented code for an aborted run is 1
    Runtime.getRuntime().halt(ExitCodes.RUN_FAILED);
  }
}
