package dev.reprise.master.deploy;

import dev.reprise.master.deploy.StackSpec.Attachment;
import dev.reprise.master.deploy.StackSpec.EndpointMode;
import dev.reprise.master.deploy.StackSpec.Mount;
import dev.reprise.master.deploy.StackSpec.Network;
import dev.reprise.master.deploy.StackSpec.Port;
import dev.reprise.master.deploy.StackSpec.Resources;
import dev.reprise.master.deploy.StackSpec.Service;
import dev.reprise.master.deploy.StackSpec.Subnet;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Translates a compose file into the {@link StackSpec} that {@code docker stack deploy} would
 * create, with the run's replica counts and restart condition {@code none} (a killed container stays
 * dead, as in FaultSee).
 *
 * <p>Rules: {@code image}, {@code entrypoint} (swarm Command) and {@code command} (swarm Args) in
 * string or list form, {@code environment} and {@code labels} in map or list form, {@code env_file},
 * service {@code networks} (list or map with {@code aliases}; none → the stack's {@code default}
 * network), top-level {@code networks} (overlay, {@code attachable}, {@code internal},
 * {@code driver_opts}, {@code labels}, {@code ipam.config} subnets, {@code external}, {@code name}),
 * {@code volumes} (named, bind with paths relative to the compose file, anonymous, long syntax) and
 * {@code tmpfs}, {@code ports} (short and long syntax; host mode under {@code dnsrr}),
 * {@code deploy.resources}, {@code deploy.placement.constraints}, {@code deploy.endpoint_mode},
 * {@code deploy.labels}, {@code hostname}, {@code user}, {@code working_dir},
 * {@code stop_grace_period}, {@code stop_signal}, {@code tty}, {@code stdin_open},
 * {@code read_only}, {@code extra_hosts}. {@code ${VAR}}, {@code ${VAR:-default}} and {@code $$} are
 * interpolated from the given environment. Every object gets the label
 * {@value StackSpec#NAMESPACE_LABEL} = stack name; services and networks are named
 * {@code <stack>_<key>}.
 *
 * <p>Keys that change what runs and cannot be honoured ({@code build} without {@code image},
 * {@code deploy.mode: global}, undeclared networks or volumes, malformed values) are errors; keys
 * that are ignored are warned about once per key. Stateless; call from any thread.
 */
public final class ComposeTranslator {
  private static final Set<String> TOP_KEYS = Set.of("version", "name", "services", "networks", "volumes");
  private static final Map<String, String> TOP_IGNORED = Map.of(
      "configs", "swarm configs are not supported by Reprise yet; the key is ignored",
      "secrets", "swarm secrets are not supported by Reprise yet; the key is ignored");
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
  private static final Pattern VAR = Pattern.compile("\\$(?:\\$|\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|([A-Za-z_][A-Za-z0-9_]*))");

  private final Map<String, String> environment;

  /** @param environment the variables {@code ${VAR}} and value-less {@code environment} entries resolve from (usually {@code System.getenv()}) */
  public ComposeTranslator(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** The result: the stack and the warnings to show the user (each once). */
  public record Translation(StackSpec stack, List<ComposeProblem> warnings) {
    public Translation {
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Translates {@code text} (the content of {@code file}) into stack {@code stackName}.
   *
   * @param replicas compose service → tasks at T0; services absent here get 0
   * @throws ComposeException with every error found, positioned in {@code file}
   */
  public Translation translate(Path file, String text, String stackName, Map<String, Integer> replicas)
      throws ComposeException {
    var run = new Run(file, stackName);
    Node root;
    try {
      var options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      root = new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      throw new ComposeException(List.of(new ComposeProblem(file, m == null ? 1 : m.getLine() + 1,
          m == null ? 1 : m.getColumn() + 1, "not valid YAML: " + e.getProblem())));
    }
    if (!(root instanceof MappingNode rootMap)) {
      throw new ComposeException(List.of(new ComposeProblem(file, 1, 1, "a compose file is a mapping with a 'services' key")));
    }
    var top = run.entries(rootMap);
    top.forEach((key, e) -> {
      if (key.startsWith("x-") || TOP_KEYS.contains(key)) return;
      if (TOP_IGNORED.containsKey(key)) run.warnOnce(key, e.key(), key + ": " + TOP_IGNORED.get(key));
      else run.warnOnce(key, e.key(), "unknown top-level key '" + key + "' is ignored");
    });
    var networks = run.networks(top.get("networks"));
    var volumes = run.volumes(top.get("volumes"));
    var services = new ArrayList<Service>();
    var servicesEntry = top.get("services");
    if (servicesEntry == null || !(servicesEntry.value() instanceof MappingNode servicesMap)) {
      run.error(servicesEntry == null ? rootMap : servicesEntry.value(), "services: a mapping of service name to service is required");
    } else {
      run.entries(servicesMap).forEach((name, e) -> {
        var s = run.service(name, e.value(), networks, volumes, replicas.getOrDefault(name, 0));
        if (s != null) services.add(s);
      });
    }
    for (String name : replicas.keySet()) {
      if (services.stream().noneMatch(s -> s.composeName().equals(name)) && run.errors.isEmpty()) {
        run.error(rootMap, "services." + name + ": the scenario uses service '" + name + "' but the compose file does not define it");
      }
    }
    if (!run.errors.isEmpty()) throw new ComposeException(run.errors);
    boolean usesDefault = services.stream().anyMatch(s -> s.networks().stream()
        .anyMatch(a -> a.network().equals(networks.get("default").name())));
    var used = new ArrayList<Network>();
    networks.forEach((key, n) -> {
      if (!key.equals("default") || usesDefault) used.add(n);
    });
    return new Translation(new StackSpec(stackName, used, services), run.warnings);
  }

  private record Entry(Node key, Node value) {}

  /** One translation's state: positions, errors and warnings. */
  private final class Run {
    final Path file;
    final String stack;
    final List<ComposeProblem> errors = new ArrayList<>();
    final List<ComposeProblem> warnings = new ArrayList<>();
    final Set<String> warned = new LinkedHashSet<>();

    Run(Path file, String stack) {
      this.file = file;
      this.stack = stack;
    }

    void error(Node at, String message) {
      Mark m = at.getStartMark();
      errors.add(new ComposeProblem(file, m.getLine() + 1, m.getColumn() + 1, message));
    }

    void warnOnce(String keyPath, Node at, String message) {
      if (!warned.add(keyPath)) return;
      Mark m = at.getStartMark();
      warnings.add(new ComposeProblem(file, m.getLine() + 1, m.getColumn() + 1, "warning: " + message));
    }

    /** A mapping's entries by key, with YAML merge keys ({@code <<: *anchor}) applied. */
    Map<String, Entry> entries(MappingNode map) {
      var out = new LinkedHashMap<String, Entry>();
      var merged = new LinkedHashMap<String, Entry>();
      for (NodeTuple t : map.getValue()) {
        Node k = t.getKeyNode();
        String key = k instanceof ScalarNode s ? s.getValue() : String.valueOf(k);
        if (Tag.MERGE.equals(k.getTag()) || "<<".equals(key)) {
          Node v = t.getValueNode();
          List<Node> sources = v instanceof SequenceNode seq ? seq.getValue() : List.of(v);
          for (Node src : sources) {
            if (src instanceof MappingNode m) entries(m).forEach(merged::putIfAbsent);
          }
        } else {
          out.put(key, new Entry(k, t.getValueNode()));
        }
      }
      merged.forEach(out::putIfAbsent);
      return out;
    }

    /** A scalar's text, interpolated; null for YAML null; an error (and null) for a non-scalar. */
    String scalar(Node n, String path) {
      if (n instanceof ScalarNode s) {
        if (Tag.NULL.equals(s.getTag())) return null;
        return interpolate(s.getValue(), n, path);
      }
      error(n, path + ": expected a single value");
      return null;
    }

    String interpolate(String value, Node at, String path) {
      if (value.indexOf('$') < 0) return value;
      Matcher m = VAR.matcher(value);
      var sb = new StringBuilder();
      while (m.find()) {
        String rep;
        if (m.group().equals("$$")) {
          rep = "$";
        } else {
          String name = m.group(1) != null ? m.group(1) : m.group(4);
          String v = environment.get(name);
          String op = m.group(2);
          if (op == null) {
            if (v == null) warnOnce("$" + name, at, path + ": variable " + name + " is not set; using an empty string");
            rep = v == null ? "" : v;
          } else if (op.endsWith("-")) {
            rep = (v == null || (op.startsWith(":") && v.isEmpty())) ? m.group(3) : v;
          } else {
            if (v == null || (op.startsWith(":") && v.isEmpty())) {
              error(at, path + ": variable " + name + " is required: " + m.group(3));
            }
            rep = v == null ? "" : v;
          }
        }
        m.appendReplacement(sb, Matcher.quoteReplacement(rep));
      }
      m.appendTail(sb);
      return sb.toString();
    }

    Boolean bool(Node n, String path) {
      String s = scalar(n, path);
      if (s == null) return null;
      return switch (s.toLowerCase(java.util.Locale.ROOT)) {
        case "true", "yes", "on" -> true;
        case "false", "no", "off" -> false;
        default -> {
          error(n, path + ": expected true or false, got '" + s + "'");
          yield null;
        }
      };
    }

    List<Node> sequence(Node n, String path) {
      if (n instanceof SequenceNode seq) return seq.getValue();
      error(n, path + ": expected a list");
      return List.of();
    }

    /** A list of strings; a single string is split like a shell would (compose's command/entrypoint). */
    List<String> words(Node n, String path) {
      if (n instanceof ScalarNode) {
        String s = scalar(n, path);
        if (s == null) return null;
        try {
          return ComposeValues.shellWords(s);
        } catch (IllegalArgumentException e) {
          error(n, path + ": " + e.getMessage());
          return null;
        }
      }
      var out = new ArrayList<String>();
      for (Node item : sequence(n, path)) {
        String s = scalar(item, path);
        if (s != null) out.add(s);
      }
      return out;
    }

    /** {@code KEY: value} mapping or {@code KEY=value} list, in order; value null when absent. */
    LinkedHashMap<String, String> keyValues(Node n, String path) {
      var out = new LinkedHashMap<String, String>();
      if (n instanceof MappingNode map) {
        entries(map).forEach((k, e) -> out.put(k, scalar(e.value(), path + "." + k)));
      } else if (n instanceof SequenceNode) {
        for (Node item : sequence(n, path)) {
          String s = scalar(item, path);
          if (s == null) continue;
          int eq = s.indexOf('=');
          if (eq < 0) out.put(s, null); else out.put(s.substring(0, eq), s.substring(eq + 1));
        }
      } else if (!(n instanceof ScalarNode s && Tag.NULL.equals(s.getTag()))) {
        error(n, path + ": expected a mapping or a list of KEY=value");
      }
      return out;
    }

    Map<String, Network> networks(Entry top) {
      var out = new LinkedHashMap<String, Network>();
      if (top != null && top.value() instanceof MappingNode map) {
        entries(map).forEach((key, e) -> {
          var n = network(key, e.value());
          if (n != null) out.put(key, n);
        });
      } else if (top != null && !isNull(top.value())) {
        error(top.value(), "networks: expected a mapping of network name to network");
      }
      out.putIfAbsent("default", new Network("default", stack + "_default", false, "overlay", false, false,
          Map.of(), Map.of(StackSpec.NAMESPACE_LABEL, stack), List.of()));
      return out;
    }

    Network network(String key, Node node) {
      String path = "networks." + key;
      if (isNull(node)) {
        return new Network(key, stack + "_" + key, false, "overlay", false, false, Map.of(),
            Map.of(StackSpec.NAMESPACE_LABEL, stack), List.of());
      }
      if (!(node instanceof MappingNode map)) {
        error(node, path + ": expected a mapping");
        return null;
      }
      var e = entries(map);
      String name = null;
      boolean external = false;
      if (e.containsKey("external")) {
        Node ext = e.get("external").value();
        if (ext instanceof MappingNode extMap) {
          external = true;
          var n = entries(extMap).get("name");
          if (n != null) name = scalar(n.value(), path + ".external.name");
        } else {
          external = Boolean.TRUE.equals(bool(ext, path + ".external"));
        }
      }
      if (e.containsKey("name")) name = scalar(e.get("name").value(), path + ".name");
      if (external) {
        return new Network(key, name == null ? key : name, true, "overlay", false, false, Map.of(), Map.of(), List.of());
      }
      String driver = e.containsKey("driver") ? scalar(e.get("driver").value(), path + ".driver") : "overlay";
      if (driver != null && !driver.equals("overlay")) {
        error(e.get("driver").value(), path + ".driver: swarm services can only use overlay networks, not '" + driver
            + "'; write driver: overlay or remove the key");
      }
      boolean attachable = e.containsKey("attachable") && Boolean.TRUE.equals(bool(e.get("attachable").value(), path + ".attachable"));
      boolean internal = e.containsKey("internal") && Boolean.TRUE.equals(bool(e.get("internal").value(), path + ".internal"));
      var opts = e.containsKey("driver_opts") ? keyValues(e.get("driver_opts").value(), path + ".driver_opts") : new LinkedHashMap<String, String>();
      var labels = e.containsKey("labels") ? keyValues(e.get("labels").value(), path + ".labels") : new LinkedHashMap<String, String>();
      labels.replaceAll((k, v) -> v == null ? "" : v);
      opts.replaceAll((k, v) -> v == null ? "" : v);
      labels.put(StackSpec.NAMESPACE_LABEL, stack);
      var subnets = new ArrayList<Subnet>();
      if (e.containsKey("ipam") && e.get("ipam").value() instanceof MappingNode ipam) {
        var ie = entries(ipam);
        ie.forEach((k, v) -> {
          if (!k.equals("config") && !k.equals("driver")) warnOnce("networks.*.ipam." + k, v.key(), path + ".ipam." + k + " is ignored");
        });
        if (ie.containsKey("driver")) {
          String d = scalar(ie.get("driver").value(), path + ".ipam.driver");
          if (d != null && !d.equals("default")) warnOnce("networks.*.ipam.driver", ie.get("driver").key(),
              path + ".ipam.driver '" + d + "' is ignored; the default IPAM driver is used");
        }
        if (ie.containsKey("config")) {
          for (Node c : sequence(ie.get("config").value(), path + ".ipam.config")) {
            if (!(c instanceof MappingNode cm)) {
              error(c, path + ".ipam.config: expected entries like {subnet: 10.10.0.0/24}");
              continue;
            }
            var ce = entries(cm);
            String subnet = ce.containsKey("subnet") ? scalar(ce.get("subnet").value(), path + ".ipam.config.subnet") : null;
            if (subnet == null) {
              error(c, path + ".ipam.config: every entry needs a subnet");
              continue;
            }
            String gw = ce.containsKey("gateway") ? scalar(ce.get("gateway").value(), path + ".ipam.config.gateway") : null;
            String range = ce.containsKey("ip_range") ? scalar(ce.get("ip_range").value(), path + ".ipam.config.ip_range") : null;
            subnets.add(new Subnet(subnet, gw, range));
          }
        }
      } else if (e.containsKey("ipam") && !isNull(e.get("ipam").value())) {
        error(e.get("ipam").value(), path + ".ipam: expected a mapping with a config list");
      }
      e.forEach((k, v) -> {
        if (!Set.of("external", "name", "driver", "attachable", "internal", "driver_opts", "labels", "ipam").contains(k)
            && !k.startsWith("x-")) {
          warnOnce("networks.*." + k, v.key(), path + "." + k + " is not supported and is ignored");
        }
      });
      return new Network(key, name == null ? stack + "_" + key : name, false, "overlay", attachable, internal, opts, labels, subnets);
    }

    /** Top-level volumes: key → swarm volume name (external or {@code <stack>_key}) and labels. */
    Map<String, Mount> volumes(Entry top) {
      var out = new LinkedHashMap<String, Mount>();
      if (top == null || isNull(top.value())) return out;
      if (!(top.value() instanceof MappingNode map)) {
        error(top.value(), "volumes: expected a mapping of volume name to volume");
        return out;
      }
      entries(map).forEach((key, e) -> {
        String path = "volumes." + key;
        String name = stack + "_" + key;
        var labels = new LinkedHashMap<String, String>();
        labels.put(StackSpec.NAMESPACE_LABEL, stack);
        if (e.value() instanceof MappingNode vm) {
          var ve = entries(vm);
          boolean external = ve.containsKey("external") && !(ve.get("external").value() instanceof MappingNode)
              && Boolean.TRUE.equals(bool(ve.get("external").value(), path + ".external"));
          if (ve.containsKey("name")) name = scalar(ve.get("name").value(), path + ".name");
          else if (external) name = key;
          if (external) labels.clear();
          if (ve.containsKey("labels")) keyValues(ve.get("labels").value(), path + ".labels").forEach((k, v) -> labels.put(k, v == null ? "" : v));
          ve.forEach((k, v) -> {
            if (!Set.of("external", "name", "labels").contains(k)) {
              warnOnce("volumes.*." + k, v.key(), path + "." + k + " is not supported; the local driver with default options is used");
            }
          });
        }
        out.put(key, new Mount("volume", name, "", false, labels));
      });
      return out;
    }

    Service service(String name, Node node, Map<String, Network> networks, Map<String, Mount> volumes, int replicas) {
      String p = "services." + name;
      if (!(node instanceof MappingNode map)) {
        error(node, p + ": expected a mapping");
        return null;
      }
      var e = entries(map);
      e.forEach((k, v) -> {
        if (SERVICE_KEYS.contains(k) || k.startsWith("x-")) return;
        if (SERVICE_IGNORED.containsKey(k)) {
          warnOnce("services.*." + k, v.key(), k + " is ignored: " + SERVICE_IGNORED.get(k) + " (first seen in service " + name + ")");
        } else if (k.equals("extends")) {
          error(v.key(), p + ".extends is not supported; inline the extended service");
        } else {
          warnOnce("services.*." + k, v.key(), "unknown service key '" + k + "' is ignored (first seen in service " + name + ")");
        }
      });
      String image = e.containsKey("image") ? scalar(e.get("image").value(), p + ".image") : null;
      if (image == null) {
        if (e.containsKey("build")) {
          error(e.get("build").key(), p + ".build: Reprise cannot build images; build it beforehand and name it with image:");
        } else {
          error(node, p + ": image is required");
        }
      } else if (e.containsKey("build")) {
        warnOnce("services.*.build", e.get("build").key(), "build is ignored: the image '" + image
            + "' must already be present on every node (first seen in service " + name + ")");
      }
      if (e.containsKey("restart")) {
        warnOnce("services.*.restart", e.get("restart").key(), "restart is ignored: Reprise forces restart condition none so a killed container stays dead");
      }
      List<String> entrypoint = e.containsKey("entrypoint") ? words(e.get("entrypoint").value(), p + ".entrypoint") : null;
      List<String> command = e.containsKey("command") ? words(e.get("command").value(), p + ".command") : null;

      var env = new ArrayList<String>();
      if (e.containsKey("env_file")) {
        Node ef = e.get("env_file").value();
        List<Node> files = ef instanceof SequenceNode seq ? seq.getValue() : List.of(ef);
        for (Node f : files) {
          String fname = scalar(f, p + ".env_file");
          if (fname != null) env.addAll(envFile(f, fname, p));
        }
      }
      if (e.containsKey("environment")) {
        keyValues(e.get("environment").value(), p + ".environment").forEach((k, v) -> {
          String value = v != null ? v : environment.get(k);
          env.removeIf(x -> x.startsWith(k + "="));
          if (value != null) env.add(k + "=" + value);
        });
      }

      var containerLabels = new LinkedHashMap<String, String>();
      if (e.containsKey("labels")) keyValues(e.get("labels").value(), p + ".labels").forEach((k, v) -> containerLabels.put(k, v == null ? "" : v));
      containerLabels.put(StackSpec.NAMESPACE_LABEL, stack);
      var serviceLabels = new LinkedHashMap<String, String>();
      serviceLabels.put(StackSpec.NAMESPACE_LABEL, stack);
      if (image != null) serviceLabels.put("com.docker.stack.image", image);

      var attachments = new ArrayList<Attachment>();
      if (e.containsKey("networks")) {
        Node nn = e.get("networks").value();
        if (nn instanceof SequenceNode seq) {
          for (Node item : seq.getValue()) {
            String key = scalar(item, p + ".networks");
            if (key != null) attach(attachments, networks, key, item, name, List.of(), p);
          }
        } else if (nn instanceof MappingNode nm) {
          entries(nm).forEach((key, ne) -> {
            var aliases = new ArrayList<String>();
            if (ne.value() instanceof MappingNode am) {
              entries(am).forEach((ak, av) -> {
                if (ak.equals("aliases")) {
                  for (Node a : sequence(av.value(), p + ".networks." + key + ".aliases")) {
                    String s = scalar(a, p + ".networks." + key + ".aliases");
                    if (s != null) aliases.add(s);
                  }
                } else {
                  warnOnce("services.*.networks.*." + ak, av.key(), ak + " on a service network is not supported by swarm services and is ignored");
                }
              });
            }
            attach(attachments, networks, key, ne.key(), name, aliases, p);
          });
        } else {
          error(nn, p + ".networks: expected a list of network names or a mapping");
        }
      } else {
        attach(attachments, networks, "default", node, name, List.of(), p);
      }

      var mounts = new ArrayList<Mount>();
      if (e.containsKey("volumes")) {
        for (Node v : sequence(e.get("volumes").value(), p + ".volumes")) {
          var m = mount(v, volumes, p);
          if (m != null) mounts.add(m);
        }
      }
      if (e.containsKey("tmpfs")) {
        Node t = e.get("tmpfs").value();
        List<Node> items = t instanceof SequenceNode seq ? seq.getValue() : List.of(t);
        for (Node item : items) {
          String target = scalar(item, p + ".tmpfs");
          if (target != null) mounts.add(new Mount("tmpfs", null, target.split(":")[0], false, Map.of()));
        }
      }

      EndpointMode mode = EndpointMode.VIP;
      Resources limits = Resources.NONE;
      Resources reservations = Resources.NONE;
      var constraints = new ArrayList<String>();
      Entry deployEntry = e.get("deploy");
      if (deployEntry != null && deployEntry.value() instanceof MappingNode dm) {
        var d = entries(dm);
        d.forEach((k, v) -> {
          if (!DEPLOY_KEYS.contains(k) && !k.startsWith("x-")) {
            warnOnce("services.*.deploy." + k, v.key(), "deploy." + k + " is not supported and is ignored (first seen in service " + name + ")");
          }
        });
        if (d.containsKey("mode")) {
          String m = scalar(d.get("mode").value(), p + ".deploy.mode");
          if ("global".equals(m)) {
            error(d.get("mode").value(), p + ".deploy.mode: global services cannot be scaled by the scenario; remove the key (replicated is the default)");
          } else if (m != null && !m.equals("replicated")) {
            error(d.get("mode").value(), p + ".deploy.mode: expected replicated, got '" + m + "'");
          }
        }
        if (d.containsKey("replicas")) {
          warnOnce("services.*.deploy.replicas", d.get("replicas").key(), "deploy.replicas is ignored: the scenario's beginning sets the replica counts");
        }
        if (d.containsKey("update_config")) {
          warnOnce("services.*.deploy.update_config", d.get("update_config").key(), "deploy.update_config is ignored: a run never updates a service");
        }
        if (d.containsKey("rollback_config")) {
          warnOnce("services.*.deploy.rollback_config", d.get("rollback_config").key(), "deploy.rollback_config is ignored: a run never updates a service");
        }
        if (d.containsKey("restart_policy") && d.get("restart_policy").value() instanceof MappingNode rp) {
          var cond = entries(rp).get("condition");
          String c = cond == null ? null : scalar(cond.value(), p + ".deploy.restart_policy.condition");
          if (!"none".equals(c)) {
            warnOnce("services.*.deploy.restart_policy", d.get("restart_policy").key(),
                "deploy.restart_policy is replaced by condition: none so a killed container stays dead");
          }
        }
        if (d.containsKey("labels")) {
          keyValues(d.get("labels").value(), p + ".deploy.labels").forEach((k, v) -> serviceLabels.put(k, v == null ? "" : v));
        }
        if (d.containsKey("endpoint_mode")) {
          String m = scalar(d.get("endpoint_mode").value(), p + ".deploy.endpoint_mode");
          if ("dnsrr".equals(m)) mode = EndpointMode.DNSRR;
          else if (m != null && !m.equals("vip")) error(d.get("endpoint_mode").value(), p + ".deploy.endpoint_mode: expected vip or dnsrr, got '" + m + "'");
        }
        if (d.containsKey("resources") && d.get("resources").value() instanceof MappingNode rm) {
          var r = entries(rm);
          r.forEach((k, v) -> {
            if (!k.equals("limits") && !k.equals("reservations")) {
              warnOnce("services.*.deploy.resources." + k, v.key(), "deploy.resources." + k + " is not supported and is ignored");
            }
          });
          if (r.containsKey("limits")) limits = resources(r.get("limits").value(), p + ".deploy.resources.limits");
          if (r.containsKey("reservations")) reservations = resources(r.get("reservations").value(), p + ".deploy.resources.reservations");
        }
        if (d.containsKey("placement") && d.get("placement").value() instanceof MappingNode pm) {
          entries(pm).forEach((k, v) -> {
            if (k.equals("constraints")) {
              for (Node c : sequence(v.value(), p + ".deploy.placement.constraints")) {
                String s = scalar(c, p + ".deploy.placement.constraints");
                if (s != null) constraints.add(s);
              }
            } else {
              warnOnce("services.*.deploy.placement." + k, v.key(), "deploy.placement." + k + " is not supported and is ignored");
            }
          });
        }
      } else if (deployEntry != null && !isNull(deployEntry.value())) {
        error(deployEntry.value(), p + ".deploy: expected a mapping");
      }

      var ports = new ArrayList<Port>();
      if (e.containsKey("ports")) {
        for (Node pn : sequence(e.get("ports").value(), p + ".ports")) ports.addAll(ports(pn, mode, p));
      }
      String hostname = e.containsKey("hostname") ? scalar(e.get("hostname").value(), p + ".hostname") : null;
      String user = e.containsKey("user") ? scalar(e.get("user").value(), p + ".user") : null;
      String workingDir = e.containsKey("working_dir") ? scalar(e.get("working_dir").value(), p + ".working_dir") : null;
      Long grace = null;
      if (e.containsKey("stop_grace_period")) {
        String g = scalar(e.get("stop_grace_period").value(), p + ".stop_grace_period");
        if (g != null) {
          try {
            grace = ComposeValues.durationNanos(g);
          } catch (IllegalArgumentException ex) {
            error(e.get("stop_grace_period").value(), p + ".stop_grace_period: " + ex.getMessage());
          }
        }
      }
      String stopSignal = e.containsKey("stop_signal") ? scalar(e.get("stop_signal").value(), p + ".stop_signal") : null;
      boolean tty = e.containsKey("tty") && Boolean.TRUE.equals(bool(e.get("tty").value(), p + ".tty"));
      boolean stdin = e.containsKey("stdin_open") && Boolean.TRUE.equals(bool(e.get("stdin_open").value(), p + ".stdin_open"));
      boolean readOnly = e.containsKey("read_only") && Boolean.TRUE.equals(bool(e.get("read_only").value(), p + ".read_only"));
      var extraHosts = new ArrayList<String>();
      if (e.containsKey("extra_hosts")) {
        // compose writes host:ip (or host=ip); swarm's Hosts are "ip host" like /etc/hosts.
        keyValues(normalizeHosts(e.get("extra_hosts").value()), p + ".extra_hosts").forEach((h, ip) -> {
          if (ip != null) extraHosts.add(ip + " " + h);
        });
      }
      if (image == null) return null;
      return new Service(name, stack + "_" + name, image, entrypoint, command, env, containerLabels, serviceLabels,
          attachments, mounts, ports, limits, reservations, constraints, mode, hostname, user, workingDir, grace,
          stopSignal, tty, stdin, readOnly, extraHosts, replicas);
    }

    private Node normalizeHosts(Node n) {
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

    private void attach(List<Attachment> out, Map<String, Network> networks, String key, Node at, String service,
        List<String> aliases, String p) {
      var n = networks.get(key);
      if (n == null) {
        error(at, p + ".networks: network '" + key + "' is not declared under the top-level networks:"
            + (networks.size() > 1 ? " declared are " + String.join(", ", networks.keySet().stream().filter(k -> !k.equals("default")).toList()) : ""));
        return;
      }
      var all = new ArrayList<String>();
      all.add(service);
      aliases.stream().filter(a -> !a.equals(service)).forEach(all::add);
      out.add(new Attachment(n.name(), all));
    }

    private List<String> envFile(Node at, String name, String p) {
      Path f = file.toAbsolutePath().getParent().resolve(name);
      try {
        var out = new ArrayList<String>();
        for (String line : Files.readAllLines(f)) {
          String t = line.strip();
          if (t.isEmpty() || t.startsWith("#")) continue;
          out.add(t.indexOf('=') < 0 ? t + "=" + environment.getOrDefault(t, "") : t);
        }
        return out;
      } catch (IOException ex) {
        error(at, p + ".env_file: cannot read " + f + ": " + ex.getMessage());
        return List.of();
      }
    }

    private Resources resources(Node n, String path) {
      if (!(n instanceof MappingNode m)) {
        if (!isNull(n)) error(n, path + ": expected a mapping with cpus and/or memory");
        return Resources.NONE;
      }
      Long cpus = null;
      Long mem = null;
      for (var en : entries(m).entrySet()) {
        String v = scalar(en.getValue().value(), path + "." + en.getKey());
        if (v == null) continue;
        try {
          switch (en.getKey()) {
            case "cpus" -> cpus = ComposeValues.nanoCpus(v);
            case "memory" -> mem = ComposeValues.bytes(v);
            default -> warnOnce("services.*.deploy.resources.*." + en.getKey(), en.getValue().key(),
                path + "." + en.getKey() + " is not supported and is ignored");
          }
        } catch (IllegalArgumentException ex) {
          error(en.getValue().value(), path + "." + en.getKey() + ": " + ex.getMessage());
        }
      }
      return new Resources(cpus, mem);
    }

    private Mount mount(Node v, Map<String, Mount> volumes, String p) {
      String path = p + ".volumes";
      if (v instanceof MappingNode m) {
        var e = entries(m);
        String type = e.containsKey("type") ? scalar(e.get("type").value(), path + ".type") : "volume";
        String source = e.containsKey("source") ? scalar(e.get("source").value(), path + ".source") : null;
        String target = e.containsKey("target") ? scalar(e.get("target").value(), path + ".target") : null;
        boolean ro = e.containsKey("read_only") && Boolean.TRUE.equals(bool(e.get("read_only").value(), path + ".read_only"));
        if (target == null) {
          error(v, path + ": a target is required");
          return null;
        }
        e.forEach((k, x) -> {
          if (!Set.of("type", "source", "target", "read_only").contains(k)) {
            warnOnce("services.*.volumes." + k, x.key(), "volumes: " + k + " is not supported and is ignored");
          }
        });
        return switch (type == null ? "" : type) {
          case "bind" -> source == null ? missing(v, path + ": a bind mount needs a source") : bind(source, target, ro);
          case "volume" -> namedVolume(v, volumes, source, target, ro, path);
          case "tmpfs" -> new Mount("tmpfs", null, target, false, Map.of());
          default -> {
            error(e.get("type").value(), path + ".type: expected bind, volume or tmpfs, got '" + type + "'");
            yield null;
          }
        };
      }
      String s = scalar(v, path);
      if (s == null) return null;
      String[] parts = s.split(":");
      if (parts.length == 1) return new Mount("volume", null, parts[0], false, Map.of(StackSpec.NAMESPACE_LABEL, stack));
      if (parts.length > 3) {
        error(v, path + ": expected SOURCE:TARGET[:ro], got '" + s + "'");
        return null;
      }
      boolean ro = parts.length == 3 && parts[2].contains("ro");
      if (parts.length == 3 && !parts[2].matches("(ro|rw)(,.*)?|.*,(ro|rw)")) {
        warnOnce("services.*.volumes:mode", v, "volume mode '" + parts[2] + "' is ignored except for ro/rw");
      }
      String src = parts[0];
      if (src.startsWith(".") || src.startsWith("/") || src.startsWith("~")) return bind(src, parts[1], ro);
      return namedVolume(v, volumes, src, parts[1], ro, path);
    }

    private Mount missing(Node at, String message) {
      error(at, message);
      return null;
    }

    private Mount bind(String source, String target, boolean ro) {
      Path base = file.toAbsolutePath().getParent();
      String src = source.startsWith("~") ? System.getProperty("user.home") + source.substring(1) : source;
      return new Mount("bind", base.resolve(src).normalize().toString(), target, ro, Map.of());
    }

    private Mount namedVolume(Node at, Map<String, Mount> volumes, String source, String target, boolean ro, String path) {
      if (source == null) return new Mount("volume", null, target, ro, Map.of(StackSpec.NAMESPACE_LABEL, stack));
      var declared = volumes.get(source);
      if (declared == null) {
        error(at, path + ": volume '" + source + "' is not declared under the top-level volumes:");
        return null;
      }
      return new Mount("volume", declared.source(), target, ro, declared.volumeLabels());
    }

    private List<Port> ports(Node n, EndpointMode endpointMode, String p) {
      String path = p + ".ports";
      String defaultMode = endpointMode == EndpointMode.DNSRR ? "host" : "ingress";
      if (n instanceof MappingNode m) {
        var e = entries(m);
        try {
          int target = Integer.parseInt(scalar(e.get("target").value(), path + ".target"));
          Integer published = e.containsKey("published") ? Integer.valueOf(scalar(e.get("published").value(), path + ".published")) : null;
          String protocol = e.containsKey("protocol") ? scalar(e.get("protocol").value(), path + ".protocol") : "tcp";
          String mode = e.containsKey("mode") ? scalar(e.get("mode").value(), path + ".mode") : defaultMode;
          if (endpointMode == EndpointMode.DNSRR && "ingress".equals(mode)) {
            error(e.get("mode").value(), path + ".mode: ingress ports need endpoint_mode vip; use mode: host with dnsrr");
          }
          return List.of(new Port(target, published, protocol, mode));
        } catch (RuntimeException ex) {
          error(n, path + ": expected {target: PORT, published: PORT, protocol: tcp|udp, mode: host|ingress}");
          return List.of();
        }
      }
      String s = scalar(n, path);
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
        warnOnce("services.*.ports:ip", n, "host IPs in ports are not supported by swarm and are ignored");
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
        error(n, path + ": expected [PUBLISHED:]TARGET[/udp] like 8080:80, got '" + original + "'");
        return List.of();
      }
    }

    private int[] range(String s) {
      int dash = s.indexOf('-');
      if (dash < 0) return new int[] {Integer.parseInt(s)};
      int a = Integer.parseInt(s.substring(0, dash));
      int b = Integer.parseInt(s.substring(dash + 1));
      if (b < a) throw new IllegalArgumentException();
      int[] out = new int[b - a + 1];
      for (int i = 0; i < out.length; i++) out[i] = a + i;
      return out;
    }

    private boolean isNull(Node n) {
      return n instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }
  }
}
