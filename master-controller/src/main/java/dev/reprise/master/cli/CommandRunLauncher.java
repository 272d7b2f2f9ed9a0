package dev.reprise.master.cli;

import dev.reprise.master.campaign.PreparedRun;
import dev.reprise.master.campaign.RunLauncher;
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
 * The campaign's real {@link RunLauncher}: each run goes through {@link RunCommand}'s own path
 * ({@link RunCommand#runLoaded}: the local engine, or the hosts of {@code --hosts}), with the
 * group's {@code compose_env} on top of this process's environment, and without {@code master run}'s
 * signal hook (the campaign's hook aborts the run through {@link #abortCurrent}).
 */
final class CommandRunLauncher implements RunLauncher {
  private final PrintStream stdout;
  private final PrintStream stderr;
  private final Path hostsFile;
  private final boolean acceptNewHostKeys;
  private final Path agentJar;
  private final boolean stacktrace;
  private volatile RunCommand current;
  private volatile String aborted;

  CommandRunLauncher(PrintStream stdout, PrintStream stderr, Path hostsFile, boolean acceptNewHostKeys, Path agentJar,
      boolean stacktrace) {
    this.stdout = stdout;
    this.stderr = stderr;
    this.hostsFile = hostsFile;
    this.acceptNewHostKeys = acceptNewHostKeys;
    this.agentJar = agentJar;
    this.stacktrace = stacktrace;
  }

  @Override
  public Result launch(PreparedRun run, Path runsDir, Consumer<Path> folderCreated) {
    var command = new RunCommand(stdout, stderr);
    command.scenario = run.loaded().scenarioFile();
    command.out = runsDir;
    command.name = runName(run.spec().key());
    command.seed = run.spec().seed();
    command.hostsFile = hostsFile;
    command.acceptNewHostKeys = acceptNewHostKeys;
    command.agentJar = agentJar;
    command.stacktrace = stacktrace;
    command.metricsBind = "127.0.0.1";
    command.installSignalHook = false;
    command.noCatalog = true; // the campaign runner records each run, with its place in the campaign
    var env = new LinkedHashMap<String, String>(System.getenv());
    env.putAll(run.composeEnv());
    command.composeEnvironment = Map.copyOf(env);
    command.extraListeners = List.of(new RunListener() {
      @Override
      public void deploying(String runId, Path runDir) {
        folderCreated.accept(runDir);
      }
    });
    current = command;
    if (aborted != null) command.abortCurrent(aborted);
    int code;
    try {
      code = command.runLoaded(run.loaded(), run.plan());
    } finally {
      current = null;
    }
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
   * On the local engine: removes the stack {@code runId} (as the end of a run does, up to 60 s). With
   * {@code --hosts}: not done (it would need the hosts' setup); the warning says which stack to remove.
   */
  @Override
  public List<String> removeLeftovers(String runId) {
    if (hostsFile != null) {
      return List.of("a run cut off on the hosts may have left stack " + runId + " on the manager; `docker stack rm " + runId + "` there");
    }
    try (var cluster = DockerSwarmCluster.connect()) {
      if (cluster.stackServices(runId).isEmpty() && cluster.stackNetworks(runId).isEmpty()) return List.of();
      stderr.println("campaign: removing stack " + runId + ", left by the run that was cut off");
      return new StackDeployer(cluster, SystemTime.INSTANCE).remove(runId, Duration.ofSeconds(60)).problems();
    } catch (IOException | RuntimeException e) {
      return List.of("cannot remove stack " + runId + ": " + e.getMessage());
    }
  }

  @Override
  public void abortCurrent(String reason) {
    aborted = reason;
    var command = current;
    if (command != null) command.abortCurrent(reason);
  }
}
