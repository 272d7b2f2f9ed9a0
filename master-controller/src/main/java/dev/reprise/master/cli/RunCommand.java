package dev.reprise.master.cli;

import dev.reprise.export.Exporter;
import dev.reprise.fdsl.LoadedScenario;
import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.ScenarioLoader;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.master.agentlink.EmbeddedAgent;
import dev.reprise.master.deploy.IpvsProbe;
import dev.reprise.master.docker.DockerSwarmCluster;
import dev.reprise.master.run.AbortSignal;
import dev.reprise.master.run.RunCoordinator;
import dev.reprise.master.run.RunFolders;
import dev.reprise.master.run.RunRequest;
import dev.reprise.master.run.RunSettings;
import dev.reprise.master.run.time.SystemTime;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code master run SCENARIO}: runs a scenario on the local Docker engine (a single-node swarm,
 * initialised when swarm mode is inactive) with the agent embedded in this JVM, and prints the run
 * folder's path as the last line of stdout. Exit codes: 0 ok, 1 the run failed or was aborted, 2
 * invalid scenario or compose file (nothing deployed), 3 no Docker engine.
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
    try {
      return run();
    } catch (RuntimeException e) {
      stderr.println("error: " + e);
      if (stacktrace) e.printStackTrace(stderr);
      else stderr.println("(rerun with --stacktrace for details)");
      return ExitCodes.RUN_FAILED;
    }
  }

  private int run() {
    LoadedScenario loaded;
    Plan plan;
    try {
      loaded = ScenarioLoader.load(scenario, compose);
      plan = loaded.plan(seed);
    } catch (ScenarioException e) {
      e.diagnostics().forEach(d -> stderr.println(d));
      stderr.println(e.diagnostics().size() + " problem(s); nothing was deployed");
      return ExitCodes.INVALID_INPUT;
    }
    var request = new RunRequest(name != null ? name : RunFolders.defaultName(scenario), out, loaded.scenarioFile(),
        loaded.scenarioText(), loaded.composeFile(), loaded.composeText(), loaded.effectiveSeed(seed), plan,
        loaded.faultsDir(), loaded.ntpServer().orElse(null), !noExport);

    var settings = RunSettings.DEFAULTS;
    var abort = new AbortSignal();
    try (var cluster = DockerSwarmCluster.connect()) {
      var coordinator = new RunCoordinator(cluster,
          runId -> EmbeddedAgent.start(EmbeddedAgent.localAgent(), runId, Duration.ofSeconds(30)),
          dir -> new Exporter().export(dir),
          SystemTime.INSTANCE, IpvsProbe.local(), System.getenv(), stdout, stderr, System.console() != null,
          settings, abort);
      Thread hook = new Thread(() -> onSignal(abort, settings), "master-run-abort");
      Runtime.getRuntime().addShutdownHook(hook);
      RunCoordinator.Result result;
      try {
        result = coordinator.run(request);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is shutting down (Ctrl-C): the hook is running and sets the exit code
        }
      }
      return result.exitCode();
    } catch (java.io.IOException e) {
      stderr.println("warning: closing the Docker client: " + e.getMessage());
      return ExitCodes.RUN_FAILED;
    }
  }

  /** Shutdown hook: abort the run in progress, wait until it is cleaned up, exit 1. */
  private void onSignal(AbortSignal abort, RunSettings settings) {
    if (abort.isFinished()) return;
    abort.abort("interrupted by a signal (Ctrl-C or SIGTERM)");
    try {
      Duration bound = settings.abortWait().plus(settings.removeTimeout()).plus(settings.containersTimeout())
          .plus(Duration.ofSeconds(30));
      if (!abort.awaitFinished(bound)) {
        stderr.println("error: the run did not clean up within " + bound.toSeconds() + " s; check `docker service ls`");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stdout.flush();
    stderr.flush();
    // a signal's own exit status would be 130/143; the documented code for an aborted run is 1
    Runtime.getRuntime().halt(ExitCodes.RUN_FAILED);
  }
}
