package dev.reprise.master.swarm;

import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.orchestrator.Orchestrator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A stack ready to deploy on a swarm, in Reprise's words (no docker-java types): what {@code docker
 * stack deploy} would create from a compose file, with the run's replica counts and restart policy
 * {@code none}. Built by {@link ComposeTranslator}; deployed by {@link StackDeployer}. Immutable.
 *
 * <p><b>Named once, translated once.</b> A run translates its compose file before its ID exists, under
 * the placeholder {@link #UNNAMED}, and names the result with {@link #named} once the run folder is
 * created. The placeholder starts with a NUL character, which no YAML scalar, environment variable or
 * file name can contain, so every occurrence of it in a name, a label value, an attachment or a
 * volume source came from the stack's name and nothing else is rewritten.
 *
 * @param name the stack's name (the run's ID); every object carries {@link #NAMESPACE_LABEL} = name
 * @param networks the networks, those to create and the external ones services attach to
 * @param services the services, in compose order
 */
public record StackSpec(String name, List<Network> networks, List<Service> services) implements Orchestrator.Stack {

  /** The label {@code docker stack} uses to group a stack's objects; we set and select on it too. */
  public static final String NAMESPACE_LABEL = "com.docker.stack.namespace";

  /** The name a stack is translated under until {@link #named} gives it its run's ID. */
  public static final String UNNAMED = "\0stack";

  public StackSpec {
    networks = List.copyOf(networks);
    services = List.copyOf(services);
  }

  /**
   * This stack under {@code newName}: service, network and volume names and the namespace labels
   * follow it. Only a stack translated under {@link #UNNAMED} can be named.
   *
   * @throws IllegalStateException when this stack has a name already
   */
  @Override
  public StackSpec named(String newName) {
    if (!UNNAMED.equals(name)) throw new IllegalStateException("stack " + name + " is named already");
    if (newName.indexOf('\0') >= 0) throw new IllegalArgumentException("a stack name cannot contain a NUL character");
    UnaryOperator<String> rename = s -> s == null ? null : s.replace(UNNAMED, newName);
    return new StackSpec(newName, networks.stream().map(n -> n.renamed(rename)).toList(),
        services.stream().map(s -> s.renamed(rename)).toList());
  }

  /** Swarm's limit on a service's or a network's name (a DNS name component). */
  public static final int MAX_OBJECT_NAME = 63;

  /** The longest stack name that keeps every {@code <stack>_<name>} object of this stack within {@link #MAX_OBJECT_NAME}. */
  @Override
  public int maxNameLength() {
    int longest = 0;
    for (var s : services) longest = Math.max(longest, afterStackName(s.name()));
    for (var n : networks) longest = Math.max(longest, afterStackName(n.name()));
    return MAX_OBJECT_NAME - longest;
  }

  /** How much {@code objectName} adds to the stack's name ({@code _hello}: 6), or 0 when it is not named after the stack. */
  private int afterStackName(String objectName) {
    return objectName != null && objectName.startsWith(name) ? objectName.length() - name.length() : 0;
  }

  @Override
  public List<String> images() {
    return services.stream().map(Service::image).distinct().toList();
  }

  @Override
  public List<RunManifest.ServiceSpec> describeServices() {
    return services.stream().map(this::describe).toList();
  }

  /** A network as run.json names it: its compose key (stack-independent), or its name when external. */
  private String networkKey(String swarmName) {
    return networks.stream().filter(n -> !n.external() && swarmName.equals(n.name())).map(Network::key).findFirst()
        .orElse(swarmName);
  }

  private RunManifest.ServiceSpec describe(Service s) {
    var env = new LinkedHashMap<String, String>();
    for (String entry : s.env()) {
      int eq = entry.indexOf('=');
      String key = eq < 0 ? entry : entry.substring(0, eq);
      String value = eq < 0 ? null : entry.substring(eq + 1);
      env.put(key, value != null && RunManifest.secretName(key) ? RunManifest.REDACTED : value);
    }
    var restart = s.restart();
    return new RunManifest.ServiceSpec(s.composeName(), s.image(), s.entrypoint(), s.command(), env, s.replicas(),
        s.constraints(), resources(s.limits()), resources(s.reservations()),
        new RunManifest.Restart(restart.condition(), restart.delayNanos(), restart.maxAttempts(), restart.windowNanos()),
        s.networks().stream().map(a -> networkKey(a.network())).toList());
  }

  private static RunManifest.Resources resources(Resources r) {
    return r == null || r.isEmpty() ? null : new RunManifest.Resources(r.nanoCpus(), r.memoryBytes());
  }

  private static Map<String, String> renamedValues(Map<String, String> map, UnaryOperator<String> rename) {
    var out = new LinkedHashMap<String, String>();
    map.forEach((k, v) -> out.put(k, rename.apply(v)));
    return out;
  }

  /** The service translated from compose service {@code composeName}. */
  public Optional<Service> service(String composeName) {
    return services.stream().filter(s -> s.composeName().equals(composeName)).findFirst();
  }

  /** compose service name → swarm service name, for the agent's {@code arm} message. */
  @Override
  public Map<String, String> serviceNames() {
    var map = new java.util.TreeMap<String, String>();
    services.forEach(s -> map.put(s.composeName(), s.name()));
    return map;
  }

  /** How clients reach a service's tasks: a virtual IP (needs IP_VS in the kernel) or DNS round robin. */
  public enum EndpointMode { VIP, DNSRR }

  /**
   * An overlay network.
   *
   * @param name the network's name on the swarm ({@code <stack>_<key>} unless external or {@code name:} given)
   * @param external created elsewhere: attached to, never created or removed
   * @param driver the network driver ({@code overlay})
   * @param subnets IPAM pools, as in FaultSee's examples
   */
  public record Network(
      String key,
      String name,
      boolean external,
      String driver,
      boolean attachable,
      boolean internal,
      Map<String, String> driverOpts,
      Map<String, String> labels,
      List<Subnet> subnets) {
    public Network {
      driverOpts = Map.copyOf(driverOpts);
      labels = Map.copyOf(labels);
      subnets = List.copyOf(subnets);
    }

    Network renamed(UnaryOperator<String> rename) {
      return new Network(key, rename.apply(name), external, driver, attachable, internal, driverOpts,
          renamedValues(labels, rename), subnets);
    }
  }

  /** One IPAM pool; gateway and ipRange may be null. */
  public record Subnet(String subnet, String gateway, String ipRange) {}

  /** A service's attachment to a network (by swarm network name), with its DNS aliases. */
  public record Attachment(String network, List<String> aliases) {
    public Attachment {
      aliases = List.copyOf(aliases);
    }

    Attachment renamed(UnaryOperator<String> rename) {
      return new Attachment(rename.apply(network), aliases);
    }
  }

  /** A mount: {@code type} is {@code bind}, {@code volume} or {@code tmpfs}; source is null for tmpfs and anonymous volumes. */
  public record Mount(String type, String source, String target, boolean readOnly, Map<String, String> volumeLabels) {
    public Mount {
      volumeLabels = Map.copyOf(volumeLabels);
    }

    Mount renamed(UnaryOperator<String> rename) {
      return new Mount(type, rename.apply(source), target, readOnly, renamedValues(volumeLabels, rename));
    }
  }

  /** A published port; {@code published} null lets swarm pick; mode is {@code ingress} or {@code host}. */
  public record Port(int target, Integer published, String protocol, String mode) {}

  /** CPU in nano-CPUs and memory in bytes; either may be null (no limit/reservation). */
  public record Resources(Long nanoCpus, Long memoryBytes) {
    public static final Resources NONE = new Resources(null, null);

    public boolean isEmpty() {
      return nanoCpus == null && memoryBytes == null;
    }
  }

  /**
   * A replicated swarm service with restart condition {@code none}.
   *
   * @param composeName the compose (and FDSL) service name
   * @param name the swarm service name, {@code <stack>_<composeName>}
   * @param entrypoint compose {@code entrypoint} (swarm's Command); null keeps the image's
   * @param command compose {@code command} (swarm's Args); null keeps the image's
   * @param env {@code KEY=value} entries, in file order
   * @param containerLabels compose {@code labels} plus the namespace label
   * @param serviceLabels compose {@code deploy.labels} plus the namespace label
   * @param stopGracePeriodNanos null keeps swarm's default (10 s)
   * @param replicas the number of tasks at T0 (from the scenario's {@code beginning})
   */
  public record Service(
      String composeName,
      String name,
      String image,
      List<String> entrypoint,
      List<String> command,
      List<String> env,
      Map<String, String> containerLabels,
      Map<String, String> serviceLabels,
      List<Attachment> networks,
      List<Mount> mounts,
      List<Port> ports,
      Resources limits,
      Resources reservations,
      List<String> constraints,
      EndpointMode endpointMode,
      String hostname,
      String user,
      String workingDir,
      Long stopGracePeriodNanos,
      String stopSignal,
      boolean tty,
      boolean openStdin,
      boolean readOnly,
      List<String> extraHosts,
      int replicas,
      RestartPolicy restart) {
    public Service {
      if (restart == null) restart = RestartPolicy.NONE;
      entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
      command = command == null ? null : List.copyOf(command);
      env = List.copyOf(env);
      containerLabels = Map.copyOf(containerLabels);
      serviceLabels = Map.copyOf(serviceLabels);
      networks = List.copyOf(networks);
      mounts = List.copyOf(mounts);
      ports = List.copyOf(ports);
      constraints = List.copyOf(constraints);
      extraHosts = List.copyOf(extraHosts);
      if (replicas < 0) throw new IllegalArgumentException("replicas must be >= 0");
    }

    Service renamed(UnaryOperator<String> rename) {
      return new Service(composeName, rename.apply(name), image, entrypoint, command, env,
          renamedValues(containerLabels, rename), renamedValues(serviceLabels, rename),
          networks.stream().map(a -> a.renamed(rename)).toList(), mounts.stream().map(m -> m.renamed(rename)).toList(),
          ports, limits, reservations, constraints, endpointMode, hostname, user, workingDir, stopGracePeriodNanos,
          stopSignal, tty, openStdin, readOnly, extraHosts, replicas, restart);
    }

    /** The service with the default restart policy ({@link RestartPolicy#NONE}). */
    public Service(String composeName, String name, String image, List<String> entrypoint, List<String> command,
        List<String> env, Map<String, String> containerLabels, Map<String, String> serviceLabels, List<Attachment> networks,
        List<Mount> mounts, List<Port> ports, Resources limits, Resources reservations, List<String> constraints,
        EndpointMode endpointMode, String hostname, String user, String workingDir, Long stopGracePeriodNanos,
        String stopSignal, boolean tty, boolean openStdin, boolean readOnly, List<String> extraHosts, int replicas) {
      this(composeName, name, image, entrypoint, command, env, containerLabels, serviceLabels, networks, mounts, ports,
          limits, reservations, constraints, endpointMode, hostname, user, workingDir, stopGracePeriodNanos, stopSignal,
          tty, openStdin, readOnly, extraHosts, replicas, RestartPolicy.NONE);
    }
  }

  /**
   * A service's restart policy (Swarm's {@code RestartPolicy}): {@link #NONE} unless the scenario says
   * {@code environment.restart: keep}, which keeps the compose file's {@code deploy.restart_policy}.
   *
   * @param condition {@code none}, {@code on-failure} or {@code any}
   * @param delayNanos the wait between restarts; null: Swarm's default
   * @param maxAttempts how many restarts; null: unlimited
   * @param windowNanos the window restarts are counted in; null: Swarm's default
   */
  public record RestartPolicy(String condition, Long delayNanos, Long maxAttempts, Long windowNanos) {
    /** A killed container stays dead (FaultSee's, and the default). */
    public static final RestartPolicy NONE = new RestartPolicy("none", null, null, null);

    /** Whether Swarm replaces a container that ends (killed or crashed). */
    public boolean restarts() {
      return !"none".equals(condition) && (maxAttempts == null || maxAttempts > 0);
    }
  }
}
