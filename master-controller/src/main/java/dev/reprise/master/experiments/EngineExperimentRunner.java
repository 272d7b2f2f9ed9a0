package dev.reprise.master.experiments;

import dev.reprise.export.Exporter;
import dev.reprise.master.agentlink.ChildProcessAgent;
import dev.reprise.master.catalog.CatalogRecorder;
import dev.reprise.master.cli.ClusterCommand;
import dev.reprise.master.cluster.DockerCliImages;
import dev.reprise.master.cluster.HostOperationException;
import dev.reprise.master.hosts.HostsFileException;
import dev.reprise.master.hosts.HostsFileParser;
import dev.reprise.master.orchestrator.OrchestratorException;
import dev.reprise.master.remote.MultiHostSetup;
import dev.reprise.master.remote.SshRunAgents;
import dev.reprise.master.run.RunAgents;
import dev.reprise.master.run.RunCoordinator;
import dev.reprise.master.run.RunListener;
import dev.reprise.master.run.RunRequest;
import dev.reprise.master.run.RunService;
import dev.reprise.master.run.RunSettings;
import dev.reprise.master.run.time.SystemTicker;
import dev.reprise.master.safety.SafetyLoop;
import dev.reprise.master.ssh.JschConnector;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.time.SystemTime;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The real {@link ExperimentRunner}: each experiment's run goes through {@link RunService} with an
 * {@link AttachedStackOrchestrator} (nothing deployed, nothing removed) and the run's own agents —
 * on the local engine a child process per run ({@link ChildProcessAgent}: a killed master is an EOF
 * it heals on), with a hosts file one agent per host over SSH ({@link SshRunAgents}, the cluster
 * brought up once, at the first experiment). Run folders go to {@code outDir}; each run is recorded
 * in the run catalog beside them ({@link CatalogRecorder}) and guarded by its own safety loop.
 */
public final class EngineExperimentRunner implements ExperimentRunner {
  private final Path outDir;
  private final Path hostsFile;
  private final Consumer<String> warn;
  private MultiHostSetup setup;
  private DockerSwarmCluster local;

  public EngineExperimentRunner(Path outDir, Path hostsFile, Consumer<String> warn) {
    this.outDir = outDir;
    this.hostsFile = hostsFile;
    this.warn = warn;
  }

  /** What runs on the swarm this runner starts runs on (the local engine, or the hosts file's manager). */
  public LiveStacks liveStacks() {
    return () -> {
      try {
        return new DockerLiveStacks(manager()).services();
      } catch (ExperimentException e) {
        throw new OrchestratorException(e.getMessage());
      }
    };
  }

  private synchronized DockerSwarmCluster manager() throws ExperimentException {
    if (hostsFile == null) {
      if (local == null) local = DockerSwarmCluster.connect();
      return local;
    }
    return multiHost().manager();
  }

  private synchronized MultiHostSetup multiHost() throws ExperimentException {
    if (setup != null) return setup;
    try {
      var hosts = new HostsFileParser().parse(hostsFile);
      Path jar = ClusterCommand.defaultAgentJar();
      if (jar == null) throw new ExperimentException.Unavailable("no agent jar found (build local-controller)");
      setup = MultiHostSetup.prepare(hosts, new JschConnector(hosts.knownHosts(), false), new DockerCliImages(), jar, null, List.of(),
          new PrintStream(System.err, true));
      return setup;
    } catch (HostsFileException e) {
      throw new ExperimentException.Unavailable(hostsFile + ": " + String.join("; ", e.problems()));
    } catch (HostOperationException e) {
      throw new ExperimentException.Unavailable(String.join("; ", e.problems()));
    } catch (IOException e) {
      throw new ExperimentException.Unavailable(hostsFile + ": " + e.getMessage());
    }
  }

  @Override
  public Started start(Launch launch, RunListener listener) throws ExperimentException {
    var loaded = launch.loaded();
    var request = new RunRequest(launch.name(), outDir, loaded.scenarioFile(), loaded.scenarioText(), loaded.composeFile(),
        loaded.composeText(), loaded.effectiveSeed(null), launch.plan(), loaded.faultsDir(), null, loaded.ntpResyncMillis(), false,
        loaded.scenario().environment().safety(), null, false);
    RunService.Target target;
    DockerSwarmCluster cluster;
    if (hostsFile == null) {
      var settings = RunSettings.DEFAULTS;
      try {
        cluster = DockerSwarmCluster.connect();
      } catch (RuntimeException e) {
        throw new ExperimentException.Unavailable("cannot reach the Docker engine: " + e.getMessage());
      }
      target = new RunService.Target(new AttachedStackOrchestrator(cluster, launch.stack()),
          RunAgents.local(runId -> ChildProcessAgent.start(runId, settings.abortWait())), settings);
    } else {
      var settings = RunSettings.MULTI_HOST_DEFAULTS;
      var s = multiHost();
      cluster = null;
      target = new RunService.Target(new AttachedStackOrchestrator(s.manager(), launch.stack()),
          new SshRunAgents(s.hosts(), settings.abortWait()), settings);
    }
    var listeners = new ArrayList<RunListener>();
    listeners.add(listener);
    SafetyLoop.forRun(request, SystemTime.INSTANCE).ifPresent(listeners::add);
    listeners.add(CatalogRecorder.at(null, outDir, warn));
    listeners.add(new RunListener() {
      @Override
      public void ended(RunCoordinator.Result result) {
        if (cluster == null) return;
        try {
          cluster.close();
        } catch (IOException e) {
          // the run is over; a client that does not close cleanly changes nothing
        }
      }
    });
    var service = new RunService(dir -> new Exporter().export(dir), SystemTime.INSTANCE, SystemTicker.INSTANCE);
    var handle = service.start(request, target, listeners);
    return handle::abort;
  }
}
