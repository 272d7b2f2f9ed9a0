package dev.reprise.master.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ResourceSpecs;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.ServiceRestartPolicy;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmSpec;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.VolumeOptions;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.orchestrator.OrchestratorException;
import dev.reprise.master.orchestrator.OrchestratorUnreachableException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@link SwarmCluster} over docker-java: the only class of the master that talks to the Docker API
 * (the multi-host tools in {@code cluster/} drive the {@code docker} CLI over SSH instead).
 * Thin by design: it maps our records to docker-java's and back, and turns docker-java failures into
 * {@link OrchestratorException}s (or {@link OrchestratorUnreachableException} when nothing answers).
 */
public final class DockerSwarmCluster implements SwarmCluster, Closeable {
  private final DockerClient docker;
  private final String dockerHost;

  private DockerSwarmCluster(DockerClient docker, String dockerHost) {
    this.docker = docker;
    this.dockerHost = dockerHost;
  }

  /** Connects to the engine named by {@code DOCKER_HOST} (default {@code unix:///var/run/docker.sock}). */
  public static DockerSwarmCluster connect() {
    return connect(DefaultDockerClientConfig.createDefaultConfigBuilder().build());
  }

  /**
   * Connects to the engine at {@code dockerHost} (e.g. {@code unix:///tmp/reprise-fwd-…/docker.sock}, an SSH relay
   * to a remote manager's socket), ignoring {@code DOCKER_HOST} and TLS settings of this machine.
   */
  public static DockerSwarmCluster connect(String dockerHost) {
    return connect(DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).withDockerTlsVerify(false).build());
  }

  private static DockerSwarmCluster connect(DefaultDockerClientConfig config) {
    var http = new ApacheDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .connectionTimeout(Duration.ofSeconds(5))
        .responseTimeout(Duration.ofSeconds(120))
        .build();
    return new DockerSwarmCluster(DockerClientImpl.getInstance(config, http), config.getDockerHost().toString());
  }

  @Override
  public Engine engine() {
    var info = call("ask the engine for its state", () -> docker.infoCmd().exec());
    var version = call("ask the engine for its version", () -> docker.versionCmd().exec());
    var swarm = info.getSwarm();
    String state = swarm == null || swarm.getLocalNodeState() == null ? "inactive"
        : swarm.getLocalNodeState().getValue().toLowerCase(Locale.ROOT);
    return new Engine(version.getVersion(), state, swarm == null ? null : blankToNull(swarm.getNodeID()), info.getName(),
        swarm != null && Boolean.TRUE.equals(swarm.getControlAvailable()));
  }

  @Override
  public void initSwarm(String advertiseAddr) {
    call("init a swarm", () -> {
      docker.initializeSwarmCmd(new SwarmSpec()).withAdvertiseAddr(advertiseAddr).withListenAddr("0.0.0.0:2377").exec();
      return null;
    });
  }

  @Override
  public void createNetwork(StackSpec.Network n) {
    call("create network " + n.name(), () -> {
      var cmd = docker.createNetworkCmd()
          .withName(n.name())
          .withDriver(n.driver())
          .withAttachable(n.attachable())
          .withInternal(n.internal())
          .withCheckDuplicate(true)
          .withOptions(n.driverOpts())
          .withLabels(n.labels());
      if (!n.subnets().isEmpty()) {
        var configs = n.subnets().stream()
            .map(s -> new Network.Ipam.Config().withSubnet(s.subnet()).withGateway(s.gateway()).withIpRange(s.ipRange()))
            .toList();
        cmd.withIpam(new Network.Ipam().withConfig(configs));
      }
      return cmd.exec();
    });
  }

  @Override
  public void createService(StackSpec.Service s) {
    var container = new ContainerSpec()
        .withImage(s.image())
        .withCommand(s.entrypoint())
        .withArgs(s.command())
        .withEnv(s.env())
        .withLabels(s.containerLabels())
        .withMounts(s.mounts().stream().map(DockerSwarmCluster::mount).toList())
        .withHostname(s.hostname())
        .withUser(s.user())
        .withDir(s.workingDir())
        .withStopSignal(s.stopSignal())
        .withTty(s.tty())
        .withOpenStdin(s.openStdin())
        .withReadOnly(s.readOnly());
    if (s.stopGracePeriodNanos() != null) container.withStopGracePeriod(s.stopGracePeriodNanos());
    if (!s.extraHosts().isEmpty()) container.withHosts(s.extraHosts());
    var task = new TaskSpec()
        .withContainerSpec(container)
        .withRestartPolicy(restartPolicy(s.restart()))
        .withNetworks(s.networks().stream()
            .map(a -> new NetworkAttachmentConfig().withTarget(a.network()).withAliases(a.aliases()))
            .toList());
    if (!s.limits().isEmpty() || !s.reservations().isEmpty()) {
      task.withResources(new ResourceRequirements().withLimits(resources(s.limits())).withReservations(resources(s.reservations())));
    }
    if (!s.constraints().isEmpty()) task.withPlacement(new ServicePlacement().withConstraints(s.constraints()));
    var endpoint = new EndpointSpec()
        .withMode(s.endpointMode() == StackSpec.EndpointMode.DNSRR ? EndpointResolutionMode.DNSRR : EndpointResolutionMode.VIP);
    if (!s.ports().isEmpty()) {
      endpoint.withPorts(s.ports().stream().map(p -> {
        var pc = new PortConfig()
            .withTargetPort(p.target())
            .withProtocol("udp".equals(p.protocol()) ? PortConfigProtocol.UDP : PortConfigProtocol.TCP)
            .withPublishMode("host".equals(p.mode()) ? PortConfig.PublishMode.host : PortConfig.PublishMode.ingress);
        if (p.published() != null) pc.withPublishedPort(p.published());
        return pc;
      }).toList());
    }
    var spec = new ServiceSpec()
        .withName(s.name())
        .withLabels(s.serviceLabels())
        .withTaskTemplate(task)
        .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(s.replicas())))
        .withEndpointSpec(endpoint);
    call("create service " + s.name(), () -> docker.createServiceCmd(spec).exec());
  }

  @Override
  public void scale(String serviceName, int replicas) {
    call("scale service " + serviceName + " to " + replicas, () -> {
      var service = docker.inspectServiceCmd(serviceName).exec();
      var spec = service.getSpec().withMode(new ServiceModeConfig()
          .withReplicated(new ServiceReplicatedModeOptions().withReplicas(replicas)));
      docker.updateServiceCmd(service.getId(), spec).withVersion(service.getVersion().getIndex()).exec();
      return null;
    });
  }

  private static ResourceSpecs resources(StackSpec.Resources r) {
    if (r.isEmpty()) return null;
    var spec = new ResourceSpecs();
    if (r.nanoCpus() != null) spec.withNanoCPUs(r.nanoCpus());
    if (r.memoryBytes() != null) spec.withMemoryBytes(r.memoryBytes());
    return spec;
  }

  private static Mount mount(StackSpec.Mount m) {
    var mount = new Mount().withTarget(m.target()).withReadOnly(m.readOnly());
    switch (m.type()) {
      case "bind" -> mount.withType(MountType.BIND).withSource(m.source());
      case "tmpfs" -> mount.withType(MountType.TMPFS);
      default -> {
        mount.withType(MountType.VOLUME).withSource(m.source());
        if (!m.volumeLabels().isEmpty()) mount.withVolumeOptions(new VolumeOptions().withLabels(m.volumeLabels()));
      }
    }
    return mount;
  }

  @Override
  public List<Task> tasks(String serviceName) {
    var tasks = call("list the tasks of " + serviceName,
        () -> docker.listTasksCmd().withServiceFilter(serviceName).exec());
    var out = new ArrayList<Task>();
    for (var t : tasks) {
      var st = t.getStatus();
      var cs = st == null ? null : st.getContainerStatus();
      out.add(new Task(t.getId(), serviceName, t.getSlot() == null ? 0 : t.getSlot(), t.getNodeId(),
          st == null || st.getState() == null ? "unknown" : st.getState().getValue(),
          t.getDesiredState() == null ? null : t.getDesiredState().getValue(),
          st == null ? null : st.getMessage(), st == null ? null : blankToNull(st.getErr()),
          cs == null ? null : blankToNull(cs.getContainerID()),
          cs == null || cs.getExitCodeLong() == null ? null : cs.getExitCodeLong().intValue(), instant(t.getCreatedAt()),
          st == null ? null : instant(st.getTimestamp())));
    }
    out.sort(java.util.Comparator.comparingInt(Task::slot));
    return out;
  }

  @Override
  public Optional<ContainerState> container(String containerId) {
    try {
      var c = docker.inspectContainerCmd(containerId).exec();
      var st = c.getState();
      return Optional.of(new ContainerState(c.getId(), st.getStatus(), Boolean.TRUE.equals(st.getOOMKilled()),
          st.getExitCodeLong() == null ? null : st.getExitCodeLong().intValue(), blankToNull(st.getError())));
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw translate("inspect container " + containerId, e);
    }
  }

  @Override
  public List<String> logTail(String containerId, int lines) {
    var out = new ArrayList<String>();
    var partial = new StringBuilder();
    try {
      docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTail(lines)
          .exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
              synchronized (out) {
                partial.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                int nl;
                while ((nl = partial.indexOf("\n")) >= 0) {
                  out.add(partial.substring(0, nl));
                  partial.delete(0, nl + 1);
                }
              }
            }
          }).awaitCompletion(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      return List.of();
    }
    synchronized (out) {
      if (partial.length() > 0) out.add(partial.toString());
      return List.copyOf(out);
    }
  }

  /** How long {@link #taskLogs} waits for the lines of one task (a node that does not answer holds the request). */
  static final long TASK_LOGS_WAIT_SECONDS = 15;

  @Override
  public TaskLogs taskLogs(String taskId, Instant since) {
    var lines = new TaskLogLines();
    var cmd = docker.logTaskCmd(taskId).withStdout(true).withStderr(true).withTimestamps(true).withFollow(false);
    if (since != null) cmd.withSince((int) Math.min(Integer.MAX_VALUE, since.getEpochSecond()));
    try (var callback = cmd.exec(lines)) {
      if (!callback.awaitCompletion(TASK_LOGS_WAIT_SECONDS, TimeUnit.SECONDS)) {
        lines.problem = "the node did not deliver every line within " + TASK_LOGS_WAIT_SECONDS + " s";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // closing the stream failed: what was read is kept
    } catch (RuntimeException e) {
      throw translate("read the logs of task " + taskId, e);
    }
    if (lines.failure != null) throw translate("read the logs of task " + taskId, lines.failure);
    return new TaskLogs(lines.result(), lines.problem);
  }

  /**
   * Collects {@code <RFC 3339 timestamp> <text>} lines per stream from a log stream's frames (a line
   * may span frames); a line without a readable timestamp keeps the previous one's time.
   */
  static final class TaskLogLines extends ResultCallback.Adapter<Frame> {
    private final List<Orchestrator.LogLine> out = new ArrayList<>();
    private final Map<String, StringBuilder> partial = new java.util.HashMap<>();
    private Instant last;
    volatile RuntimeException failure;
    String problem;

    @Override
    public synchronized void onNext(Frame frame) {
      String stream = frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR ? "stderr" : "stdout";
      var buf = partial.computeIfAbsent(stream, k -> new StringBuilder());
      buf.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
      int nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        add(stream, buf.substring(0, nl));
        buf.delete(0, nl + 1);
      }
    }

    @Override
    public void onError(Throwable t) {
      failure = t instanceof RuntimeException r ? r : new RuntimeException(t);
      super.onError(t);
    }

    private void add(String stream, String raw) {
      int sp = raw.indexOf(' ');
      Instant t = sp > 0 ? instant(raw.substring(0, sp)) : null;
      if (t != null) last = t;
      out.add(new Orchestrator.LogLine(t != null ? t : last, stream, t != null ? raw.substring(sp + 1) : raw));
    }

    synchronized List<Orchestrator.LogLine> result() {
      partial.forEach((stream, buf) -> {
        if (buf.length() > 0) add(stream, buf.toString());
      });
      partial.clear();
      return List.copyOf(out);
    }
  }

  @Override
  public boolean hasImage(String image) {
    try {
      docker.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    } catch (RuntimeException e) {
      throw translate("inspect image " + image, e);
    }
  }

  @Override
  public Optional<ImageInfo> imageInfo(String image) {
    try {
      var inspected = docker.inspectImageCmd(image).exec();
      var digests = inspected.getRepoDigests() == null ? List.<String>of() : inspected.getRepoDigests();
      return Optional.of(new ImageInfo(inspected.getId(), digests));
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw translate("inspect image " + image, e);
    }
  }

  @Override
  public String nodeName(String nodeId) {
    try {
      var nodes = docker.listSwarmNodesCmd().withIdFilter(List.of(nodeId)).exec();
      if (!nodes.isEmpty() && nodes.get(0).getDescription() != null && nodes.get(0).getDescription().getHostname() != null) {
        return nodes.get(0).getDescription().getHostname();
      }
    } catch (RuntimeException e) {
      // fall through: the ID is still a useful name
    }
    return nodeId;
  }

  /**
   * A service of the swarm as it runs, whoever deployed it (ad-hoc experiments attach to stacks Reprise
   * did not deploy).
   *
   * @param stack its {@value StackSpec#NAMESPACE_LABEL} label, null when it belongs to no stack
   * @param global whether it runs in global mode (one task per node)
   */
  public record LiveServiceSpec(String name, String stack, String image, boolean global, List<String> env) {}

  /** Every service of the swarm, in name order. */
  public List<LiveServiceSpec> liveServices() {
    var out = new ArrayList<LiveServiceSpec>();
    for (var s : call("list the services", () -> docker.listServicesCmd().exec())) {
      var spec = s.getSpec();
      if (spec == null) continue;
      var labels = spec.getLabels() == null ? Map.<String, String>of() : spec.getLabels();
      var container = spec.getTaskTemplate() == null ? null : spec.getTaskTemplate().getContainerSpec();
      String image = container == null ? null : container.getImage();
      if (image != null && image.contains("@sha256:")) image = image.substring(0, image.indexOf("@sha256:"));
      boolean global = spec.getMode() != null && spec.getMode().getGlobal() != null;
      out.add(new LiveServiceSpec(spec.getName(), labels.get(StackSpec.NAMESPACE_LABEL), image, global,
          container == null || container.getEnv() == null ? List.of() : List.copyOf(container.getEnv())));
    }
    out.sort(java.util.Comparator.comparing(LiveServiceSpec::name));
    return out;
  }

  @Override
  public List<String> stackServices(String stack) {
    return call("list the services of stack " + stack,
        () -> docker.listServicesCmd().withLabelFilter(Map.of(StackSpec.NAMESPACE_LABEL, stack)).exec())
        .stream().map(s -> s.getSpec().getName()).toList();
  }

  @Override
  public List<String> stackNetworks(String stack) {
    return call("list the networks of stack " + stack,
        () -> docker.listNetworksCmd().withFilter("label", List.of(StackSpec.NAMESPACE_LABEL + "=" + stack)).exec())
        .stream().map(Network::getName).toList();
  }

  @Override
  public int stackContainers(String stack) {
    return call("list the containers of stack " + stack,
        () -> docker.listContainersCmd().withShowAll(true)
            .withLabelFilter(Map.of(StackSpec.NAMESPACE_LABEL, stack)).exec()).size();
  }

  @Override
  public void removeService(String name) {
    try {
      docker.removeServiceCmd(name).exec();
    } catch (NotFoundException e) {
      // already gone
    } catch (RuntimeException e) {
      throw translate("remove service " + name, e);
    }
  }

  @Override
  public void removeNetwork(String name) {
    try {
      docker.removeNetworkCmd(name).exec();
    } catch (NotFoundException e) {
      // already gone
    } catch (RuntimeException e) {
      throw translate("remove network " + name, e);
    }
  }

  @Override
  public void close() throws IOException {
    docker.close();
  }

  private <T> T call(String what, Supplier<T> request) {
    try {
      return request.get();
    } catch (RuntimeException e) {
      throw translate(what, e);
    }
  }

  /** The service's restart policy; {@code none} unless the scenario keeps the compose file's ({@code environment.restart: keep}). */
  private static ServiceRestartPolicy restartPolicy(StackSpec.RestartPolicy p) {
    var condition = switch (p.condition()) {
      case "any" -> ServiceRestartCondition.ANY;
      case "on-failure" -> ServiceRestartCondition.ON_FAILURE;
      default -> ServiceRestartCondition.NONE;
    };
    var policy = new ServiceRestartPolicy().withCondition(condition);
    if (p.delayNanos() != null) policy.withDelay(p.delayNanos());
    if (p.maxAttempts() != null) policy.withMaxAttempts(p.maxAttempts());
    if (p.windowNanos() != null) policy.withWindow(p.windowNanos());
    return policy;
  }

  private OrchestratorException translate(String what, RuntimeException e) {
    if (e instanceof DockerException de) {
      return new OrchestratorException("cannot " + what + ": " + engineMessage(de), e);
    }
    // docker-java wraps transport failures (no socket, refused, timeout) in plain RuntimeExceptions
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    if (root instanceof IOException || e.getCause() instanceof IOException) {
      return new OrchestratorUnreachableException("no Docker engine answers at " + dockerHost + " (" + root.getMessage()
          + "); start one with scripts/setup-docker.sh, or start dockerd", e);
    }
    return new OrchestratorException("cannot " + what + ": " + e.getMessage(), e);
  }

  /** docker-java puts the engine's JSON body in the message: keep just the engine's words. */
  private static String engineMessage(DockerException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    int i = m.indexOf("\"message\":\"");
    if (i >= 0) {
      int end = m.indexOf('"', i + 11);
      if (end > i) return m.substring(i + 11, end);
    }
    return m.strip();
  }

  /** An engine timestamp (RFC 3339 with up to nanoseconds); null when absent or unreadable. */
  private static Instant instant(String text) {
    if (text == null || text.isBlank()) return null;
    try {
      return Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
