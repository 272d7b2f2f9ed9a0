package dev.reprise.master.cli;

import dev.reprise.fdsl.LoadedScenario;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.master.campaign.PreparedRun;
import dev.reprise.master.campaign.RunLauncher;
import dev.reprise.master.catalog.RunFolderReader;
import dev.reprise.master.hosts.HostsFileException;
import dev.reprise.master.hosts.HostsFileParser;
import dev.reprise.master.runqueue.QueueLauncher;
import dev.reprise.master.run.RunFolders;
import dev.reprise.master.run.RunListener;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.master.swarm.StackDeployer;
import dev.reprise.time.SystemTime;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The campaign's and the run queue's real launcher ({@link RunLauncher}, {@link QueueLauncher}): each
 * run goes through {@link RunCommand}'s own path ({@link RunCommand#runLoaded}: the local engine, or
 * the hosts of {@code --hosts}), with a campaign group's {@code compose_env} on top of this process's
 * environment, and without {@code master run}'s signal hook (the campaign's hook, or the queue, aborts
 * the run through {@link #abortCurrent}). A campaign's runs are catalogued by its runner; a queued
 * run by {@code master run}'s own catalog recorder (see {@link #forQueue}).
 */
public final class CommandRunLauncher implements RunLauncher, QueueLauncher {
  private final PrintStream stdout;
  private final PrintStream stderr;
  private final Path hostsFile;
  private final boolean acceptNewHostKeys;
  private final Path agentJar;
  private final boolean stacktrace;
  private final boolean catalogued;
  private final String catalog;
  private volatile RunCommand current;
  private volatile String aborted;

  CommandRunLauncher(PrintStream stdout, PrintStream stderr, Path hostsFile, boolean acceptNewHostKeys, Path agentJar,
      boolean stacktrace) {
    this(stdout, stderr, hostsFile, acceptNewHostKeys, agentJar, stacktrace, false, null);
  }

  private CommandRunLauncher(PrintStream stdout, PrintStream stderr, Path hostsFile, boolean acceptNewHostKeys, Path agentJar,
      boolean stacktrace, boolean catalogued, String catalog) {
    this.stdout = stdout;
    this.stderr = stderr;
    this.hostsFile = hostsFile;
    this.acceptNewHostKeys = acceptNewHostKeys;
    this.agentJar = agentJar;
    this.stacktrace = stacktrace;
    this.catalogued = catalogued;
    this.catalog = catalog;
  }

  /**
   * The run queue's launcher: runs on the local engine ({@code hostsFile} null) or on the hosts of
   * {@code hostsFile} (unknown host keys refused, the default agent jar), each recorded in the run
   * catalog at {@code catalog} as {@code master run --catalog} does (null: {@code master run}'s
   * default; {@code catalogued} false: not recorded, as {@code --no-catalog}). The run folder's path
   * goes to {@code stdout}, progress lines to {@code stderr}.
   */
  public static CommandRunLauncher forQueue(PrintStream stdout, PrintStream stderr, Path hostsFile, boolean catalogued,
      String catalog) {
    return new CommandRunLauncher(stdout, stderr, hostsFile, false, null, false, catalogued, catalog);
  }

  @Override
  public Result launch(PreparedRun run, Path runsDir, Consumer<Path> folderCreated) {
    return launch(run.loaded(), run.plan(), runName(run.spec().key()), run.spec().seed(), runsDir, run.composeEnv(),
        new RunListener() {
          @Override
          public void deploying(String runId, Path runDir) {
            folderCreated.accept(runDir);
          }
        });
  }

  @Override
  public Result launch(QueueLauncher.Launch launch) {
    var command = newCommand(launch.loaded(), launch.name(), launch.seed(), launch.outDir(), Map.of(), launch.listener());
    synchronized (this) {
      queued = launch;
      current = command;
      if (queuedAbort != null && queuedAbort.launch() == launch) command.abortCurrent(queuedAbort.reason());
    }
    try {
      return run(command, launch.loaded(), launch.plan());
    } finally {
      synchronized (this) {
        queued = null;
        current = null;
      }
    }
  }

  private record QueuedAbort(QueueLauncher.Launch launch, String reason) {}

  private QueueLauncher.Launch queued;
  private QueuedAbort queuedAbort;

  @Override
  public synchronized void abort(QueueLauncher.Launch launch, String reason) {
    if (queuedAbort == null || queuedAbort.launch() != launch) queuedAbort = new QueuedAbort(launch, reason);
    var command = current;
    if (queued == launch && command != null) command.abortCurrent(reason);
  }

  private Result launch(LoadedScenario loaded, Plan plan, String name, long seed, Path runsDir, Map<String, String> composeEnv,
      RunListener listener) {
    var command = newCommand(loaded, name, seed, runsDir, composeEnv, listener);
    current = command;
    if (aborted != null) command.abortCurrent(aborted);
    try {
      return run(command, loaded, plan);
    } finally {
      current = null;
    }
  }

  private RunCommand newCommand(LoadedScenario loaded, String name, long seed, Path runsDir, Map<String, String> composeEnv,
      RunListener listener) {
    var command = new RunCommand(stdout, stderr);
    command.scenario = loaded.scenarioFile();
    command.out = runsDir;
    command.name = name;
    command.seed = seed;
    command.hostsFile = hostsFile;
    command.acceptNewHostKeys = acceptNewHostKeys;
    command.agentJar = agentJar;
    command.stacktrace = stacktrace;
    command.metricsBind = "127.0.0.1";
    command.installSignalHook = false;
    // a campaign's runner records each run, with its place in the campaign; a queued run is recorded as `master run` records it
    command.noCatalog = !catalogued;
    command.catalog = catalog;
    var env = new LinkedHashMap<String, String>(System.getenv());
    env.putAll(composeEnv);
    command.composeEnvironment = Map.copyOf(env);
    command.extraListeners = List.of(listener);
    return command;
  }

  private static Result run(RunCommand command, LoadedScenario loaded, Plan plan) {
    int code = command.runLoaded(loaded, plan);
    var result = command.lastResult;
    if (result != null) {
      return new Result(result.outcome().word(), result.reason(), result.runDir());
    }
    String outcome = code == ExitCodes.INVALID_INPUT ? "invalid" : code == ExitCodes.ENVIRONMENT ? "environment" : "failed";
    return new Result(outcome, "the run did not start (exit code " + code + "; see the messages above)", null);
  }

  /** A run's name from its key: {@code kill-db/rate=200/rep-2} → {@code kill-db-rate-200-rep-2} (shortened with a hash by RunFolders). */
  static String runName(String key) {
    return RunFolders.sanitize(key);
  }

  /**
   * On the local engine: removes the stack of run {@code runId} ({@link RunFolders#stackName}; as the end of a run does, up to 60 s). With
   * {@code --hosts}: not done (it would need the hosts' setup); the warning says which stack to remove.
   */
  @Override
  public List<String> removeLeftovers(String runId) {
    String stack = RunFolders.stackName(runId);
    if (hostsFile != null) {
      return List.of("a run cut off on the hosts may have left stack " + stack + " on the manager; `docker stack rm " + stack + "` there");
    }
    try (var cluster = DockerSwarmCluster.connect()) {
      if (cluster.stackServices(stack).isEmpty() && cluster.stackNetworks(stack).isEmpty()) return List.of();
      stderr.println("campaign: removing stack " + stack + ", left by the run that was cut off");
      return new StackDeployer(cluster, SystemTime.INSTANCE).remove(stack, Duration.ofSeconds(60)).problems();
    } catch (IOException | RuntimeException e) {
      return List.of("cannot remove stack " + stack + ": " + e.getMessage());
    }
  }

  @Override
  public String cluster() {
    if (hostsFile == null) return RunFolderReader.LOCAL;
    try {
      return new HostsFileParser().parse(hostsFile).manager().name();
    } catch (HostsFileException e) {
      return hostsFile.toString();
    }
  }

  @Override
  public void abortCurrent(String reason) {
    aborted = reason;
    var command = current;
    if (command != null) command.abortCurrent(reason);
  }
}
