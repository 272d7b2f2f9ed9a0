package dev.reprise.master.remote;

import dev.reprise.master.cluster.HostOperationException;
import dev.reprise.master.cluster.ClusterManager;
import dev.reprise.master.cluster.LocalImages;
import dev.reprise.master.swarm.IpvsProbe;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.master.hosts.HostsFile;
import dev.reprise.master.ssh.RemoteHost;
import dev.reprise.master.ssh.SshConnector;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prepares a multi-host run before the run coordinator takes over: every host connected in
 * parallel, the cluster brought up ({@link ClusterManager#up}: swarm, agent jar, the scenario's
 * fault scripts, the compose file's images where the nodes' copies differ from this machine's),
 * and the manager's Docker engine reached through a private local unix socket relayed over SSH to its socket
 * (the remote {@code DOCKER_HOST} when it names a unix socket, else {@code /var/run/docker.sock}).
 * Everything stays open until {@link #close}. Used from one thread.
 */
public final class MultiHostSetup implements AutoCloseable {
  private static final Duration CMD = Duration.ofSeconds(30);

  private final ClusterManager cluster;
  private final Map<String, RemoteHost> hosts;
  private final DockerSwarmCluster manager;
  private final String managerDockerHost;
  private final Path ipvsRoot;

  private MultiHostSetup(ClusterManager cluster, Map<String, RemoteHost> hosts, DockerSwarmCluster manager,
      String managerDockerHost, Path ipvsRoot) {
    this.cluster = cluster;
    this.hosts = hosts;
    this.manager = manager;
    this.managerDockerHost = managerDockerHost;
    this.ipvsRoot = ipvsRoot;
  }

  /**
   * Connects and brings the cluster up.
   *
   * @param images the compose file's images; those the local engine has are loaded where they differ
   * @throws HostOperationException with every problem, one per host; {@code environment()} when a host is
   *     unreachable or has no Docker (exit 3)
   */
  public static MultiHostSetup prepare(HostsFile hostsFile, SshConnector ssh, LocalImages localImages, Path agentJar,
      Path faultsDir, List<String> images, PrintStream progress) throws HostOperationException {
    var cluster = new ClusterManager(hostsFile, ssh, localImages, progress);
    try {
      var connected = cluster.connectAll();
      var loadable = new ArrayList<String>();
      for (String image : images) {
        try {
          localImages.id(image);
          loadable.add(image);
        } catch (IOException e) {
          // not on this machine: the nodes must have it (StackDeployer diagnoses a missing image)
        }
      }
      cluster.up(agentJar, faultsDir != null && Files.isDirectory(faultsDir) ? faultsDir : null, loadable);
      var ordered = new java.util.LinkedHashMap<String, RemoteHost>();
      for (var spec : hostsFile.hosts()) ordered.put(spec.name(), connected.get(spec.name()));
      var managerHost = ordered.get(hostsFile.manager().name());
      String socket = dockerSocket(managerHost);
      Path local = managerHost.forwardUnixSocket(socket);
      String dockerHost = "unix://" + local;
      Path ipvsRoot = ipvsRoot(managerHost);
      progress.println(hostsFile.manager().name() + ": its Docker engine (" + socket + ") is reached through " + dockerHost);
      return new MultiHostSetup(cluster, ordered, DockerSwarmCluster.connect(dockerHost), dockerHost, ipvsRoot);
    } catch (IOException e) {
      cluster.close();
      throw new HostOperationException(List.of(e.getMessage()), true);
    } catch (HostOperationException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The unix socket of the host's engine: its {@code DOCKER_HOST} when that is {@code unix://…}, else the default. */
  static String dockerSocket(RemoteHost host) throws IOException {
    var r = host.exec("echo \"$DOCKER_HOST\"", CMD);
    return socketOf(r.ok() ? r.stdout().strip() : "");
  }

  /** {@code unix:///x/docker.sock} → {@code /x/docker.sock}; anything else (unset, tcp://, ssh://) → the default socket. */
  static String socketOf(String dockerHost) {
    return dockerHost.startsWith("unix://") && dockerHost.length() > "unix://".length()
        ? dockerHost.substring("unix://".length()) : "/var/run/docker.sock";
  }

  /** A copy of the manager's module lists, so {@link IpvsProbe} judges the manager's kernel, not this machine's. */
  private static Path ipvsRoot(RemoteHost host) throws IOException {
    var r = host.exec("cat /proc/modules 2>/dev/null; test -d /sys/module/ip_vs && echo '#sys-ip_vs'", CMD);
    Path root = Files.createTempDirectory("master-ipvs-");
    Files.writeString(Files.createDirectories(root.resolve("proc")).resolve("modules"), r.stdout());
    if (r.stdout().contains("#sys-ip_vs")) Files.createDirectories(root.resolve("sys/module/ip_vs"));
    return root;
  }

  /** The hosts' connections, in the hosts file's order (the first is the manager). */
  public Map<String, RemoteHost> hosts() {
    return hosts;
  }

  /** The swarm manager's engine, through the SSH forward. */
  public DockerSwarmCluster manager() {
    return manager;
  }

  public String managerDockerHost() {
    return managerDockerHost;
  }

  /** Judges IP_VS on the manager's kernel. */
  public IpvsProbe ipvs() {
    return new IpvsProbe(ipvsRoot);
  }

  /** Closes the Docker client, then every SSH connection (and with them the forward). */
  @Override
  public void close() {
    try {
      manager.close();
    } catch (IOException e) {
      // the forward is about to go anyway
    }
    cluster.close();
    try (var files = Files.walk(ipvsRoot)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a few bytes left in the temp folder
    }
  }
}
