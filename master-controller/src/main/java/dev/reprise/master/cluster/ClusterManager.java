package dev.reprise.master.cluster;

import dev.reprise.master.hosts.HostSpec;
import dev.reprise.master.hosts.HostsFile;
import dev.reprise.master.ssh.ExecResult;
import dev.reprise.master.ssh.HostKeyException;
import dev.reprise.master.ssh.RemoteHost;
import dev.reprise.master.ssh.Shell;
import dev.reprise.master.ssh.Shipper;
import dev.reprise.master.ssh.SshConnector;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code master cluster up|status|down} over SSH: reaches every host of a hosts file in parallel,
 * checks Docker, creates or joins the swarm (the first host is the manager), ships the agent jar
 * and fault scripts (skipping unchanged files), loads images from the master's engine into every
 * host. Progress lines go to {@code out}. Connections stay open until {@link #close()}. Used from
 * one thread; it runs its own per-host threads.
 */
public final class ClusterManager implements AutoCloseable {
  /** Where shipped files go, relative to each host's work dir. */
  public static final String AGENT_JAR = "agent/agent-all.jar";
  public static final String FAULTS = "faults";
  private static final Duration CMD = Duration.ofSeconds(60);
  private static final Duration LOAD = Duration.ofMinutes(15);

  private final HostsFile hostsFile;
  private final SshConnector ssh;
  private final LocalImages images;
  private final PrintStream out;
  private final Map<String, RemoteHost> connected = Collections.synchronizedMap(new LinkedHashMap<>());

  public ClusterManager(HostsFile hostsFile, SshConnector ssh, LocalImages images, PrintStream out) {
    this.hostsFile = hostsFile;
    this.ssh = ssh;
    this.images = images;
    this.out = out;
  }

  /** What {@link #up} did on each host. */
  public record UpReport(Map<String, NodeState> nodes, Map<String, Shipper.Report> shipped, Map<String, List<String>> loadedImages) {}

  @FunctionalInterface
  private interface HostTask<T> {
    T run(RemoteHost host) throws Exception;
  }

  /** Connects to every host in parallel (once); throws with every unreachable host named. */
  public Map<String, RemoteHost> connectAll() throws HostOperationException {
    var results = onEach(hostsFile.hosts(), spec -> {
      var existing = connected.get(spec.name());
      return existing != null ? existing : ssh.connect(spec);
    }, true);
    connected.putAll(results);
    return Map.copyOf(results);
  }

  /** Runs {@code task} for every host in parallel, with a connected host; all failures in one exception. */
  private <T> Map<String, T> onAll(HostTask<T> task, boolean environment) throws HostOperationException {
    connectAll();
    return onEach(hostsFile.hosts(), spec -> task.run(connected.get(spec.name())), environment);
  }

  @FunctionalInterface
  private interface SpecTask<T> {
    T run(HostSpec spec) throws Exception;
  }

  private <T> Map<String, T> onEach(List<HostSpec> specs, SpecTask<T> task, boolean environment) throws HostOperationException {
    var pool = Executors.newFixedThreadPool(Math.max(1, Math.min(specs.size(), 16)), r -> {
      var t = new Thread(r, "cluster-host");
      t.setDaemon(true);
      return t;
    });
    try {
      var futures = new LinkedHashMap<String, Future<T>>();
      for (var spec : specs) futures.put(spec.name(), pool.submit(() -> task.run(spec)));
      var results = new LinkedHashMap<String, T>();
      var problems = new ArrayList<String>();
      boolean hostKey = false;
      for (var e : futures.entrySet()) {
        try {
          results.put(e.getKey(), e.getValue().get());
        } catch (ExecutionException x) {
          var c = x.getCause();
          hostKey |= c instanceof HostKeyException;
          String m = c.getMessage() == null ? c.toString() : c.getMessage();
          problems.add(m.startsWith(e.getKey() + ":") ? m : e.getKey() + ": " + m);
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
          problems.add(e.getKey() + ": interrupted");
        }
      }
      if (!problems.isEmpty()) throw new HostOperationException(problems, environment && !hostKey);
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@code docker info} of one host; an exception names the host and what is wrong with its Docker. */
  public static NodeState inspect(RemoteHost host) throws IOException {
    var r = host.exec("docker info --format "
        + Shell.quote("{{.Name}}|{{.ServerVersion}}|{{.Swarm.LocalNodeState}}|{{.Swarm.NodeID}}|{{.Swarm.ControlAvailable}}|{{if .Swarm.Cluster}}{{.Swarm.Cluster.ID}}{{end}}"), CMD);
    if (!r.ok() || r.stdout().isBlank()) {
      throw new IOException(host.spec().name() + ": Docker does not answer there (" + r.summary()
          + "); install Docker and start it, and let " + host.spec().user() + " use it");
    }
    String[] f = r.stdout().strip().split("\\|", -1);
    if (f.length < 6) throw new IOException(host.spec().name() + ": unexpected docker info output: " + r.stdout().strip());
    return new NodeState(host.spec().name(), f[0], f[1], f[2], f[3], Boolean.parseBoolean(f[4]), f[5]);
  }

  /**
   * Brings the cluster up: Docker checked on every host, the swarm created on the manager (when it
   * is in none) and joined by every other host, {@code agentJar} and {@code faultsDir} shipped when
   * not null, {@code imageNames} loaded where the host's copy differs from the master's.
   */
  public UpReport up(Path agentJar, Path faultsDir, List<String> imageNames) throws HostOperationException {
    var states = new LinkedHashMap<>(onAll(ClusterManager::inspect, true));
    var managerSpec = hostsFile.manager();
    var manager = connected.get(managerSpec.name());
    var ms = states.get(managerSpec.name());
    try {
      if (!"active".equals(ms.swarmState())) {
        say(managerSpec.name() + ": creating the swarm (advertise " + managerSpec.address() + ")");
        check(manager, "docker swarm init --advertise-addr " + Shell.quote(managerSpec.address()));
      } else if (!ms.manager()) {
        throw new HostOperationException(List.of(managerSpec.name() + ": is a worker of a swarm, but the first host of "
            + hostsFile.path() + " must be its manager; list a manager first or run 'docker swarm leave' there"), false);
      }
      ms = inspect(manager);
      states.put(managerSpec.name(), ms);
      String token = check(manager, "docker swarm join-token -q worker").stdout().strip();
      String members = check(manager, "docker node ls -q").stdout();
      final String clusterId = ms.clusterId();
      var joined = onEach(hostsFile.hosts().subList(1, hostsFile.hosts().size()), spec -> {
        var host = connected.get(spec.name());
        var st = states.get(spec.name());
        if ("active".equals(st.swarmState()) && members.contains(st.nodeId())) return st;
        if ("active".equals(st.swarmState()) || "pending".equals(st.swarmState())) {
          throw new IOException(spec.name() + ": already in another swarm (node " + st.nodeId() + ", not in " + clusterId
              + "); run 'docker swarm leave --force' there first");
        }
        say(spec.name() + ": joining the swarm");
        check(host, "docker swarm join --token " + Shell.quote(token) + " --advertise-addr " + Shell.quote(spec.address())
            + " " + Shell.quote(managerSpec.address() + ":2377"));
        return inspect(host);
      }, false);
      states.putAll(joined);
    } catch (IOException e) {
      throw new HostOperationException(List.of(e.getMessage()), false);
    }
    var items = new ArrayList<Shipper.Item>();
    if (agentJar != null) items.add(new Shipper.Item(agentJar, AGENT_JAR));
    if (faultsDir != null) {
      try {
        items.addAll(Shipper.tree(faultsDir, FAULTS));
      } catch (IOException e) {
        throw new HostOperationException(List.of("cannot read " + faultsDir + ": " + e.getMessage()), false);
      }
    }
    var shipped = onAll(host -> {
      var report = Shipper.ship(host, items);
      if (!items.isEmpty()) {
        say(host.spec().name() + ": shipped " + report.copied().size() + " file(s), " + report.skipped().size() + " unchanged");
      }
      return report;
    }, false);
    var loaded = onAll(host -> loadImages(host, imageNames), false);
    return new UpReport(Map.copyOf(states), shipped, loaded);
  }

  private List<String> loadImages(RemoteHost host, List<String> imageNames) throws IOException {
    var loaded = new ArrayList<String>();
    for (String image : imageNames) {
      String id = images.id(image);
      var r = host.exec("docker image inspect --format '{{.Id}}' " + Shell.quote(image), CMD);
      if (r.ok() && r.stdout().strip().equals(id)) continue;
      say(host.spec().name() + ": loading image " + image);
      ExecResult load;
      try (InputStream tar = images.save(image)) {
        load = host.exec("docker load -q", tar, LOAD);
      }
      if (!load.ok()) throw new IOException(host.spec().name() + ": docker load of " + image + " failed (" + load.summary() + ")");
      loaded.add(image);
    }
    return loaded;
  }

  /** One line per host (reachable, Docker, swarm role) and, from the manager, the swarm's node list. */
  public List<String> status() throws HostOperationException {
    var lines = new ArrayList<String>();
    var states = onAll(ClusterManager::inspect, true);
    for (var st : states.values()) {
      lines.add(String.format("%-16s docker %-10s swarm %-8s %s %s", st.host(), st.dockerVersion(), st.swarmState(),
          st.manager() ? "manager" : "worker ", st.nodeId().isEmpty() ? "-" : st.nodeId()));
      lines.add("  " + faultSupport(connected.get(st.host())));
    }
    var manager = connected.get(hostsFile.manager().name());
    try {
      var r = manager.exec("docker node ls --format '{{.Hostname}} {{.Status}} {{.Availability}} {{.ManagerStatus}}'", CMD);
      if (r.ok()) {
        lines.add("swarm nodes (from " + hostsFile.manager().name() + "):");
        for (String l : r.stdout().strip().split("\n")) if (!l.isBlank()) lines.add("  " + l.strip());
      } else {
        lines.add("no swarm on " + hostsFile.manager().name() + " (" + r.summary() + "); run 'master cluster up'");
      }
    } catch (IOException e) {
      throw new HostOperationException(List.of(e.getMessage()), true);
    }
    return lines;
  }

  /**
   * What the host offers the fault types (network mechanisms, native helper, heal journal), from the
   * shipped agent jar's {@code HostProbeMain}; a sentence saying why not when it cannot be asked.
   */
  private static String faultSupport(RemoteHost host) {
    if (host == null) return "fault support: not connected";
    try {
      var r = host.exec("cd " + Shell.quote(host.spec().workDir()) + " && java -cp " + Shell.quote(AGENT_JAR)
          + " dev.reprise.agent.HostProbeMain", CMD);
      if (r.ok() && !r.stdout().isBlank()) return r.stdout().strip();
      return "fault support: unknown (" + r.summary() + "; is the agent jar shipped? run 'master cluster up')";
    } catch (IOException e) {
      return "fault support: unknown (" + e.getMessage() + ")";
    }
  }

  /** Every worker leaves the swarm, then the manager (forced: it is the last one). Shipped files stay. */
  public void down() throws HostOperationException {
    var states = onAll(ClusterManager::inspect, true);
    var workers = hostsFile.hosts().subList(1, hostsFile.hosts().size());
    onEach(workers, spec -> {
      if (!"inactive".equals(states.get(spec.name()).swarmState())) {
        say(spec.name() + ": leaving the swarm");
        check(connected.get(spec.name()), "docker swarm leave --force");
      }
      return true;
    }, false);
    var m = hostsFile.manager();
    if (!"inactive".equals(states.get(m.name()).swarmState())) {
      say(m.name() + ": leaving the swarm (it ends with the manager)");
      try {
        check(connected.get(m.name()), "docker swarm leave --force");
      } catch (IOException e) {
        throw new HostOperationException(List.of(e.getMessage()), false);
      }
    }
  }

  private static ExecResult check(RemoteHost host, String command) throws IOException {
    var r = host.exec(command, CMD);
    if (!r.ok()) throw new IOException(host.spec().name() + ": '" + command.replaceAll("--token \\S+", "--token ***") + "' failed (" + r.summary() + ")");
    return r;
  }

  private void say(String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  @Override
  public void close() {
    synchronized (connected) {
      for (var h : connected.values()) h.close();
      connected.clear();
    }
  }
}
