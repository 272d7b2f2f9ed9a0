package dev.reprise.master.swarm;

import dev.reprise.master.swarm.ComposeReader.Entry;
import dev.reprise.master.swarm.StackSpec.EndpointMode;
import dev.reprise.master.swarm.StackSpec.Mount;
import dev.reprise.master.swarm.StackSpec.Network;
import dev.reprise.master.swarm.StackSpec.Port;
import dev.reprise.master.swarm.StackSpec.Resources;
import dev.reprise.master.swarm.StackSpec.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Compose services → replicated swarm services with restart condition {@code none} (or, with
 * {@code environment.restart: keep}, the service's {@code deploy.restart_policy}): image, command
 * and entrypoint, environment and {@code env_file}, labels, {@code deploy} (resources, placement
 * constraints, endpoint mode, labels), ports, and the container settings swarm has. Networks and
 * mounts are {@link ComposeNetworks}' and {@link ComposeVolumes}' part. Errors: no image (or
 * {@code build:} without one), {@code deploy.mode: global}, {@code extends}, malformed values; every
 * ignored key is warned about once.
 */
final class ComposeServices {
  private static final Set<String> SERVICE_KEYS = Set.of("image", "build", "command", "entrypoint", "environment",
      "env_file", "labels", "networks", "volumes", "tmpfs", "ports", "deploy", "hostname", "user", "working_dir",
      "stop_grace_period", "stop_signal", "tty", "stdin_open", "read_only", "extra_hosts", "restart");
  private static final Map<String, String> SERVICE_IGNORED = new TreeMap<>(Map.ofEntries(
      Map.entry("container_name", "swarm names containers itself"),
      Map.entry("depends_on", "swarm starts all services at once; wait for dependencies in the entrypoint"),
      Map.entry("healthcheck", "health checks are not applied by Reprise yet"),
      Map.entry("logging", "containers keep the engine's default log driver (the agent reads their logs)"),
      Map.entry("cap_add", "swarm services cannot add capabilities here"),
      Map.entry("cap_drop", "swarm services cannot drop capabilities here"),
      Map.entry("privileged", "swarm services cannot run privileged"),
      Map.entry("devices", "swarm services cannot map devices"),
      Map.entry("sysctls", "sysctls are not applied by Reprise yet"),
      Map.entry("ulimits", "ulimits are not applied by Reprise yet"),
      Map.entry("init", "init is not applied by Reprise yet"),
      Map.entry("network_mode", "swarm services use the stack's networks"),
      Map.entry("links", "use network aliases and tasks.<service> instead"),
      Map.entry("external_links", "use network aliases instead"),
      Map.entry("secrets", "swarm secrets are not supported by Reprise yet"),
      Map.entry("configs", "swarm configs are not supported by Reprise yet"),
      Map.entry("security_opt", "swarm services cannot set security options"),
      Map.entry("shm_size", "swarm services cannot set the shm size"),
      Map.entry("pid", "swarm services cannot share a pid namespace"),
      Map.entry("ipc", "swarm services cannot share an ipc namespace"),
      Map.entry("dns", "DNS servers are not applied by Reprise yet"),
      Map.entry("dns_search", "DNS search domains are not applied by Reprise yet"),
      Map.entry("mem_limit", "use deploy.resources.limits.memory"),
      Map.entry("cpus", "use deploy.resources.limits.cpus"),
      Map.entry("expose", "ports are reachable on the stack's networks anyway"),
      Map.entry("platform", "the node's platform is used"),
      Map.entry("pull_policy", "images are never pulled (no registry); the node's image is used")));
  private static final Set<String> DEPLOY_KEYS = Set.of("mode", "replicas", "labels", "resources", "restart_policy",
      "placement", "endpoint_mode", "update_config", "rollback_config");

  private final ComposeReader r;
  private final ComposeNetworks networks;
  private final ComposeVolumes volumes;
  private final String stack;
  private final boolean keepRestart;

  ComposeServices(ComposeReader reader, ComposeNetworks networks, ComposeVolumes volumes, String stack) {
    this(reader, networks, volumes, stack, false);
  }

  /**
   * @param keepRestart {@code environment.restart: keep}: each service's {@code deploy.restart_policy}
   *     is kept (Swarm's default, condition {@code any}, when it has none) and a policy that restarts
   *     is warned about; otherwise every service gets condition {@code none}
   */
  ComposeServices(ComposeReader reader, ComposeNetworks networks, ComposeVolumes volumes, String stack, boolean keepRestart) {
    this.r = reader;
    this.networks = networks;
    this.volumes = volumes;
    this.stack = stack;
    this.keepRestart = keepRestart;
  }

  /** What a service's {@code deploy} key sets. */
  private record Deploy(EndpointMode mode, Resources limits, Resources reservations, List<String> constraints,
      Map<String, String> labels) {}

  /** Service {@code name} ({@code node}); null when it has errors that leave no service to build. */
  Service service(String name, Node node, Map<String, Network> declaredNetworks, Map<String, Mount> declaredVolumes,
      int replicas) {
    String p = "services." + name;
    if (!(node instanceof MappingNode map)) {
      r.error(node, p + ": expected a mapping");
      return null;
    }
    var e = r.entries(map);
    checkKeys(e, name, p);
    String image = image(e, node, name, p);
    if (e.containsKey("restart")) {
      r.warnOnce("services.*.restart", e.get("restart").key(), keepRestart
          ? "restart is ignored: a swarm service's restart policy is deploy.restart_policy (kept by environment.restart: keep)"
          : "restart is ignored: Reprise forces restart condition none so a killed container stays dead");
    }
    List<String> entrypoint = e.containsKey("entrypoint") ? r.words(e.get("entrypoint").value(), p + ".entrypoint") : null;
    List<String> command = e.containsKey("command") ? r.words(e.get("command").value(), p + ".command") : null;
    var env = environment(e, p);

    var containerLabels = new LinkedHashMap<String, String>();
    if (e.containsKey("labels")) containerLabels.putAll(r.labels(e.get("labels").value(), p + ".labels"));
    containerLabels.put(StackSpec.NAMESPACE_LABEL, stack);
    var serviceLabels = new LinkedHashMap<String, String>();
    serviceLabels.put(StackSpec.NAMESPACE_LABEL, stack);
    if (image != null) serviceLabels.put("com.docker.stack.image", image);

    var attachments = networks.attachments(e, node, name, declaredNetworks, p);
    var mounts = volumes.mounts(e, declaredVolumes, p);
    var deploy = deploy(e.get("deploy"), name, p);
    serviceLabels.putAll(deploy.labels());

    var ports = new ArrayList<Port>();
    if (e.containsKey("ports")) {
      for (Node pn : r.sequence(e.get("ports").value(), p + ".ports")) ports.addAll(ports(pn, deploy.mode(), p));
    }
    String hostname = r.optionalScalar(e, "hostname", p + ".hostname");
    String user = r.optionalScalar(e, "user", p + ".user");
    String workingDir = r.optionalScalar(e, "working_dir", p + ".working_dir");
    Long grace = stopGracePeriod(e, p);
    String stopSignal = r.optionalScalar(e, "stop_signal", p + ".stop_signal");
    boolean tty = r.flag(e, "tty", p + ".tty");
    boolean stdin = r.flag(e, "stdin_open", p + ".stdin_open");
    boolean readOnly = r.flag(e, "read_only", p + ".read_only");
    var extraHosts = extraHosts(e, p);
    var restart = StackSpec.RestartPolicy.NONE;
    if (keepRestart) {
      Entry policy = e.get("deploy") != null && e.get("deploy").value() instanceof MappingNode dm ? r.entries(dm).get("restart_policy") : null;
      restart = keptRestart(policy, e.containsKey("deploy") ? e.get("deploy").key() : map, name, p);
    }
    if (image == null) return null;
    return new Service(name, stack + "_" + name, image, entrypoint, command, env, containerLabels, serviceLabels,
        attachments, mounts, ports, deploy.limits(), deploy.reservations(), deploy.constraints(), deploy.mode(), hostname,
        user, workingDir, grace, stopSignal, tty, stdin, readOnly, extraHosts, replicas, restart);
  }

  private void checkKeys(Map<String, Entry> e, String name, String p) {
    e.forEach((k, v) -> {
      if (SERVICE_KEYS.contains(k) || k.startsWith("x-")) return;
      if (SERVICE_IGNORED.containsKey(k)) {
        r.warnOnce("services.*." + k, v.key(), k + " is ignored: " + SERVICE_IGNORED.get(k) + " (first seen in service " + name + ")");
      } else if (k.equals("extends")) {
        r.error(v.key(), p + ".extends is not supported; inline the extended service");
      } else {
        r.warnOnce("services.*." + k, v.key(), "unknown service key '" + k + "' is ignored (first seen in service " + name + ")");
      }
    });
  }

  /** The service's image; null (with an error) when it has none: Reprise never builds. */
  private String image(Map<String, Entry> e, Node node, String name, String p) {
    String image = r.optionalScalar(e, "image", p + ".image");
    if (image == null) {
      if (e.containsKey("build")) {
        r.error(e.get("build").key(), p + ".build: Reprise cannot build images; build it beforehand and name it with image:");
      } else {
        r.error(node, p + ": image is required");
      }
    } else if (e.containsKey("build")) {
      r.warnOnce("services.*.build", e.get("build").key(), "build is ignored: the image '" + image
          + "' must already be present on every node (first seen in service " + name + ")");
    }
    return image;
  }

  /** {@code env_file} entries, then {@code environment} (which wins); value-less keys come from the master's environment. */
  private List<String> environment(Map<String, Entry> e, String p) {
    var env = new ArrayList<String>();
    if (e.containsKey("env_file")) {
      Node ef = e.get("env_file").value();
      List<Node> files = ef instanceof SequenceNode seq ? seq.getValue() : List.of(ef);
      for (Node f : files) {
        String fname = r.scalar(f, p + ".env_file");
        if (fname != null) env.addAll(envFile(f, fname, p));
      }
    }
    if (e.containsKey("environment")) {
      r.keyValues(e.get("environment").value(), p + ".environment").forEach((k, v) -> {
        String value = v != null ? v : r.environment().get(k);
        env.removeIf(x -> x.startsWith(k + "="));
        if (value != null) env.add(k + "=" + value);
      });
    }
    return env;
  }

  private List<String> envFile(Node at, String name, String p) {
    Path f = r.file.toAbsolutePath().getParent().resolve(name);
    try {
      var out = new ArrayList<String>();
      for (String line : Files.readAllLines(f)) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) continue;
        out.add(t.indexOf('=') < 0 ? t + "=" + r.environment().getOrDefault(t, "") : t);
      }
      return out;
    } catch (IOException ex) {
      r.error(at, p + ".env_file: cannot read " + f + ": " + ex.getMessage());
      return List.of();
    }
  }

  private Deploy deploy(Entry deployEntry, String name, String p) {
    EndpointMode mode = EndpointMode.VIP;
    Resources limits = Resources.NONE;
    Resources reservations = Resources.NONE;
    var constraints = new ArrayList<String>();
    var labels = new LinkedHashMap<String, String>();
    if (deployEntry == null) return new Deploy(mode, limits, reservations, constraints, labels);
    if (!(deployEntry.value() instanceof MappingNode dm)) {
      if (!ComposeReader.isNull(deployEntry.value())) r.error(deployEntry.value(), p + ".deploy: expected a mapping");
      return new Deploy(mode, limits, reservations, constraints, labels);
    }
    var d = r.entries(dm);
    checkDeployKeys(d, name, p);
    if (d.containsKey("labels")) labels.putAll(r.labels(d.get("labels").value(), p + ".deploy.labels"));
    if (d.containsKey("endpoint_mode")) {
      String m = r.scalar(d.get("endpoint_mode").value(), p + ".deploy.endpoint_mode");
      if ("dnsrr".equals(m)) mode = EndpointMode.DNSRR;
      else if (m != null && !m.equals("vip")) r.error(d.get("endpoint_mode").value(), p + ".deploy.endpoint_mode: expected vip or dnsrr, got '" + m + "'");
    }
    if (d.containsKey("resources") && d.get("resources").value() instanceof MappingNode rm) {
      var res = r.entries(rm);
      res.forEach((k, v) -> {
        if (!k.equals("limits") && !k.equals("reservations")) {
          r.warnOnce("services.*.deploy.resources." + k, v.key(), "deploy.resources." + k + " is not supported and is ignored");
        }
      });
      if (res.containsKey("limits")) limits = resources(res.get("limits").value(), p + ".deploy.resources.limits");
      if (res.containsKey("reservations")) reservations = resources(res.get("reservations").value(), p + ".deploy.resources.reservations");
    }
    if (d.containsKey("placement") && d.get("placement").value() instanceof MappingNode pm) constraints.addAll(constraints(pm, p));
    return new Deploy(mode, limits, reservations, constraints, labels);
  }

  /**
   * {@code deploy.restart_policy} as written ({@code environment.restart: keep}); absent: Swarm's
   * default, condition {@code any}. A policy that restarts is a warning (once per service): a kill
   * may be undone by Swarm, and the FDSL alive set becomes approximate.
   */
  private StackSpec.RestartPolicy keptRestart(Entry entry, Node service, String name, String p) {
    String path = p + ".deploy.restart_policy";
    String condition = "any";
    Long delay = null;
    Long attempts = null;
    Long window = null;
    if (entry != null && !(entry.value() instanceof MappingNode)) {
      if (!ComposeReader.isNull(entry.value())) r.error(entry.value(), path + ": expected a mapping");
    } else if (entry != null) {
      for (var en : r.entries((MappingNode) entry.value()).entrySet()) {
        String k = en.getKey();
        String v = r.scalar(en.getValue().value(), path + "." + k);
        if (v == null) continue;
        try {
          switch (k) {
            case "condition" -> {
              if (!List.of("none", "on-failure", "any").contains(v)) {
                r.error(en.getValue().value(), path + ".condition: expected none, on-failure or any, got '" + v + "'");
              } else {
                condition = v;
              }
            }
            case "delay" -> delay = ComposeValues.durationNanos(v);
            case "window" -> window = ComposeValues.durationNanos(v);
            case "max_attempts" -> {
              attempts = Long.parseLong(v);
              if (attempts < 0) throw new NumberFormatException();
            }
            default -> r.warnOnce("services.*.deploy.restart_policy." + k, en.getValue().key(),
                "deploy.restart_policy." + k + " is not supported and is ignored");
          }
        } catch (NumberFormatException ex) {
          r.error(en.getValue().value(), path + "." + k + ": expected a whole number >= 0, got '" + v + "'");
        } catch (IllegalArgumentException ex) {
          r.error(en.getValue().value(), path + "." + k + ": " + ex.getMessage());
        }
      }
    }
    var policy = new StackSpec.RestartPolicy(condition, delay, attempts, window);
    if (policy.restarts()) {
      r.warnOnce("restart_policy:" + name, entry != null ? entry.key() : service,
          "environment.restart: keep: service " + name + " restarts its containers (condition " + condition
              + (entry == null ? ", Swarm's default" : "") + "): kills may be undone by Swarm and the alive set becomes approximate");
    }
    return policy;
  }

  /** The {@code deploy} keys a run cannot honour: {@code mode: global} is an error, the others are warned about and ignored. */
  private void checkDeployKeys(Map<String, Entry> d, String name, String p) {
    d.forEach((k, v) -> {
      if (!DEPLOY_KEYS.contains(k) && !k.startsWith("x-")) {
        r.warnOnce("services.*.deploy." + k, v.key(), "deploy." + k + " is not supported and is ignored (first seen in service " + name + ")");
      }
    });
    if (d.containsKey("mode")) {
      String m = r.scalar(d.get("mode").value(), p + ".deploy.mode");
      if ("global".equals(m)) {
        r.error(d.get("mode").value(), p + ".deploy.mode: global services cannot be scaled by the scenario; remove the key (replicated is the default)");
      } else if (m != null && !m.equals("replicated")) {
        r.error(d.get("mode").value(), p + ".deploy.mode: expected replicated, got '" + m + "'");
      }
    }
    if (d.containsKey("replicas")) {
      r.warnOnce("services.*.deploy.replicas", d.get("replicas").key(), "deploy.replicas is ignored: the scenario's beginning sets the replica counts");
    }
    if (d.containsKey("update_config")) {
      r.warnOnce("services.*.deploy.update_config", d.get("update_config").key(), "deploy.update_config is ignored: a run never updates a service");
    }
    if (d.containsKey("rollback_config")) {
      r.warnOnce("services.*.deploy.rollback_config", d.get("rollback_config").key(), "deploy.rollback_config is ignored: a run never updates a service");
    }
    if (!keepRestart && d.containsKey("restart_policy") && d.get("restart_policy").value() instanceof MappingNode rp) {
      var cond = r.entries(rp).get("condition");
      String c = cond == null ? null : r.scalar(cond.value(), p + ".deploy.restart_policy.condition");
      if (!"none".equals(c)) {
        r.warnOnce("services.*.deploy.restart_policy", d.get("restart_policy").key(),
            "deploy.restart_policy is replaced by condition: none so a killed container stays dead");
      }
    }
  }

  /** {@code deploy.placement.constraints}; the other placement keys are warned about and ignored. */
  private List<String> constraints(MappingNode placement, String p) {
    var constraints = new ArrayList<String>();
    r.entries(placement).forEach((k, v) -> {
      if (k.equals("constraints")) {
        for (Node c : r.sequence(v.value(), p + ".deploy.placement.constraints")) {
          String s = r.scalar(c, p + ".deploy.placement.constraints");
          if (s != null) constraints.add(s);
        }
      } else {
        r.warnOnce("services.*.deploy.placement." + k, v.key(), "deploy.placement." + k + " is not supported and is ignored");
      }
    });
    return constraints;
  }

  private Resources resources(Node n, String path) {
    if (!(n instanceof MappingNode m)) {
      if (!ComposeReader.isNull(n)) r.error(n, path + ": expected a mapping with cpus and/or memory");
      return Resources.NONE;
    }
    Long cpus = null;
    Long mem = null;
    for (var en : r.entries(m).entrySet()) {
      String v = r.scalar(en.getValue().value(), path + "." + en.getKey());
      if (v == null) continue;
      try {
        switch (en.getKey()) {
          case "cpus" -> cpus = ComposeValues.nanoCpus(v);
          case "memory" -> mem = ComposeValues.bytes(v);
          default -> r.warnOnce("services.*.deploy.resources.*." + en.getKey(), en.getValue().key(),
              path + "." + en.getKey() + " is not supported and is ignored");
        }
      } catch (IllegalArgumentException ex) {
        r.error(en.getValue().value(), path + "." + en.getKey() + ": " + ex.getMessage());
      }
    }
    return new Resources(cpus, mem);
  }

  private Long stopGracePeriod(Map<String, Entry> e, String p) {
    String g = r.optionalScalar(e, "stop_grace_period", p + ".stop_grace_period");
    if (g == null) return null;
    try {
      return ComposeValues.durationNanos(g);
    } catch (IllegalArgumentException ex) {
      r.error(e.get("stop_grace_period").value(), p + ".stop_grace_period: " + ex.getMessage());
      return null;
    }
  }

  /** compose writes {@code host:ip} (or {@code host=ip}); swarm's Hosts are {@code "ip host"} like /etc/hosts. */
  private List<String> extraHosts(Map<String, Entry> e, String p) {
    var extraHosts = new ArrayList<String>();
    if (e.containsKey("extra_hosts")) {
      r.keyValues(normalizeHosts(e.get("extra_hosts").value()), p + ".extra_hosts").forEach((h, ip) -> {
        if (ip != null) extraHosts.add(ip + " " + h);
      });
    }
    return extraHosts;
  }

  private static Node normalizeHosts(Node n) {
    if (!(n instanceof SequenceNode seq)) return n;
    var items = new ArrayList<Node>();
    for (Node item : seq.getValue()) {
      if (item instanceof ScalarNode s && s.getValue().indexOf('=') < 0) {
        int colon = s.getValue().indexOf(':');
        String v = colon < 0 ? s.getValue() : s.getValue().substring(0, colon) + "=" + s.getValue().substring(colon + 1);
        items.add(new ScalarNode(Tag.STR, v, s.getStartMark(), s.getEndMark(), s.getScalarStyle()));
      } else {
        items.add(item);
      }
    }
    return new SequenceNode(Tag.SEQ, items, seq.getFlowStyle());
  }

  private List<Port> ports(Node n, EndpointMode endpointMode, String p) {
    String path = p + ".ports";
    String defaultMode = endpointMode == EndpointMode.DNSRR ? "host" : "ingress";
    if (n instanceof MappingNode m) {
      var e = r.entries(m);
      try {
        int target = Integer.parseInt(r.scalar(e.get("target").value(), path + ".target"));
        Integer published = e.containsKey("published") ? Integer.valueOf(r.scalar(e.get("published").value(), path + ".published")) : null;
        String protocol = e.containsKey("protocol") ? r.scalar(e.get("protocol").value(), path + ".protocol") : "tcp";
        String mode = e.containsKey("mode") ? r.scalar(e.get("mode").value(), path + ".mode") : defaultMode;
        if (endpointMode == EndpointMode.DNSRR && "ingress".equals(mode)) {
          r.error(e.get("mode").value(), path + ".mode: ingress ports need endpoint_mode vip; use mode: host with dnsrr");
        }
        return List.of(new Port(target, published, protocol, mode));
      } catch (RuntimeException ex) {
        r.error(n, path + ": expected {target: PORT, published: PORT, protocol: tcp|udp, mode: host|ingress}");
        return List.of();
      }
    }
    String s = r.scalar(n, path);
    if (s == null) return List.of();
    String original = s;
    String protocol = "tcp";
    int slash = s.indexOf('/');
    if (slash >= 0) {
      protocol = s.substring(slash + 1);
      s = s.substring(0, slash);
    }
    String[] parts = s.split(":");
    if (parts.length == 3) {
      r.warnOnce("services.*.ports:ip", n, "host IPs in ports are not supported by swarm and are ignored");
      parts = new String[] {parts[1], parts[2]};
    }
    try {
      int[] targets = range(parts[parts.length - 1]);
      int[] published = parts.length == 2 ? range(parts[0]) : null;
      if (published != null && published.length != targets.length) throw new IllegalArgumentException();
      var out = new ArrayList<Port>();
      for (int i = 0; i < targets.length; i++) {
        out.add(new Port(targets[i], published == null ? null : published[i], protocol, defaultMode));
      }
      return out;
    } catch (RuntimeException ex) {
      r.error(n, path + ": expected [PUBLISHED:]TARGET[/udp] like 8080:80, got '" + original + "'");
      return List.of();
    }
  }

  private static int[] range(String s) {
    int dash = s.indexOf('-');
    if (dash < 0) return new int[] {Integer.parseInt(s)};
    int a = Integer.parseInt(s.substring(0, dash));
    int b = Integer.parseInt(s.substring(dash + 1));
    if (b < a) throw new IllegalArgumentException();
    int[] out = new int[b - a + 1];
    for (int i = 0; i < out.length; i++) out[i] = a + i;
    return out;
  }
}
