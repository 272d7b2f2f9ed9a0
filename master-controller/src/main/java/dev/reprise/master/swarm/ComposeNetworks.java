package dev.reprise.master.swarm;

import dev.reprise.master.swarm.ComposeReader.Entry;
import dev.reprise.master.swarm.StackSpec.Attachment;
import dev.reprise.master.swarm.StackSpec.Network;
import dev.reprise.master.swarm.StackSpec.Subnet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Compose networks → swarm overlay networks: the top-level {@code networks} ({@code external},
 * {@code name}, {@code driver} (overlay only), {@code attachable}, {@code internal},
 * {@code driver_opts}, {@code labels}, {@code ipam.config} subnets) plus the stack's {@code default}
 * network, and a service's {@code networks} (list, or map with {@code aliases}) as attachments.
 * Networks are named {@code <stack>_<key>} unless external or named; an undeclared network is an error.
 */
final class ComposeNetworks {
  private static final Set<String> NETWORK_KEYS = Set.of("external", "name", "driver", "attachable", "internal",
      "driver_opts", "labels", "ipam");

  private final ComposeReader r;
  private final String stack;

  ComposeNetworks(ComposeReader reader, String stack) {
    this.r = reader;
    this.stack = stack;
  }

  /** The top-level networks by key, with {@code default} added when not declared. */
  Map<String, Network> declared(Entry top) {
    var out = r.topLevel(top, "networks", "network", this::network);
    out.putIfAbsent("default", plain("default"));
    return out;
  }

  private Network plain(String key) {
    return new Network(key, stack + "_" + key, false, "overlay", false, false, Map.of(),
        Map.of(StackSpec.NAMESPACE_LABEL, stack), List.of());
  }

  private Network network(String key, Node node) {
    String path = "networks." + key;
    if (ComposeReader.isNull(node)) return plain(key);
    if (!(node instanceof MappingNode map)) {
      r.error(node, path + ": expected a mapping");
      return null;
    }
    var e = r.entries(map);
    String name = null;
    boolean external = false;
    if (e.containsKey("external")) {
      Node ext = e.get("external").value();
      if (ext instanceof MappingNode extMap) {
        external = true;
        var n = r.entries(extMap).get("name");
        if (n != null) name = r.scalar(n.value(), path + ".external.name");
      } else {
        external = Boolean.TRUE.equals(r.bool(ext, path + ".external"));
      }
    }
    if (e.containsKey("name")) name = r.scalar(e.get("name").value(), path + ".name");
    if (external) {
      return new Network(key, name == null ? key : name, true, "overlay", false, false, Map.of(), Map.of(), List.of());
    }
    String driver = e.containsKey("driver") ? r.scalar(e.get("driver").value(), path + ".driver") : "overlay";
    if (driver != null && !driver.equals("overlay")) {
      r.error(e.get("driver").value(), path + ".driver: swarm services can only use overlay networks, not '" + driver
          + "'; write driver: overlay or remove the key");
    }
    boolean attachable = r.flag(e, "attachable", path + ".attachable");
    boolean internal = r.flag(e, "internal", path + ".internal");
    var opts = e.containsKey("driver_opts") ? r.labels(e.get("driver_opts").value(), path + ".driver_opts") : new LinkedHashMap<String, String>();
    var labels = e.containsKey("labels") ? r.labels(e.get("labels").value(), path + ".labels") : new LinkedHashMap<String, String>();
    labels.put(StackSpec.NAMESPACE_LABEL, stack);
    var subnets = e.containsKey("ipam") ? ipam(e.get("ipam").value(), path) : List.<Subnet>of();
    e.forEach((k, v) -> {
      if (!NETWORK_KEYS.contains(k) && !k.startsWith("x-")) {
        r.warnOnce("networks.*." + k, v.key(), path + "." + k + " is not supported and is ignored");
      }
    });
    return new Network(key, name == null ? stack + "_" + key : name, false, "overlay", attachable, internal, opts, labels, subnets);
  }

  /** {@code ipam}: the subnets of {@code config}; the default IPAM driver is always used. */
  private List<Subnet> ipam(Node node, String path) {
    var subnets = new ArrayList<Subnet>();
    if (!(node instanceof MappingNode ipam)) {
      if (!ComposeReader.isNull(node)) r.error(node, path + ".ipam: expected a mapping with a config list");
      return subnets;
    }
    var ie = r.entries(ipam);
    ie.forEach((k, v) -> {
      if (!k.equals("config") && !k.equals("driver")) r.warnOnce("networks.*.ipam." + k, v.key(), path + ".ipam." + k + " is ignored");
    });
    if (ie.containsKey("driver")) {
      String d = r.scalar(ie.get("driver").value(), path + ".ipam.driver");
      if (d != null && !d.equals("default")) r.warnOnce("networks.*.ipam.driver", ie.get("driver").key(),
          path + ".ipam.driver '" + d + "' is ignored; the default IPAM driver is used");
    }
    if (ie.containsKey("config")) {
      for (Node c : r.sequence(ie.get("config").value(), path + ".ipam.config")) {
        if (!(c instanceof MappingNode cm)) {
          r.error(c, path + ".ipam.config: expected entries like {subnet: 10.10.0.0/24}");
          continue;
        }
        var ce = r.entries(cm);
        String subnet = r.optionalScalar(ce, "subnet", path + ".ipam.config.subnet");
        if (subnet == null) {
          r.error(c, path + ".ipam.config: every entry needs a subnet");
          continue;
        }
        String gw = r.optionalScalar(ce, "gateway", path + ".ipam.config.gateway");
        String range = r.optionalScalar(ce, "ip_range", path + ".ipam.config.ip_range");
        subnets.add(new Subnet(subnet, gw, range));
      }
    }
    return subnets;
  }

  /**
   * A service's attachments: its {@code networks} (each also reachable by the service's own name),
   * or the stack's {@code default} network when it names none.
   *
   * @param service the service's mapping node (the position of an implicit {@code default})
   */
  List<Attachment> attachments(Map<String, Entry> e, Node service, String name, Map<String, Network> networks, String p) {
    var attachments = new ArrayList<Attachment>();
    if (!e.containsKey("networks")) {
      attach(attachments, networks, "default", service, name, List.of(), p);
      return attachments;
    }
    Node nn = e.get("networks").value();
    if (nn instanceof SequenceNode seq) {
      for (Node item : seq.getValue()) {
        String key = r.scalar(item, p + ".networks");
        if (key != null) attach(attachments, networks, key, item, name, List.of(), p);
      }
    } else if (nn instanceof MappingNode nm) {
      r.entries(nm).forEach((key, ne) -> {
        var aliases = new ArrayList<String>();
        if (ne.value() instanceof MappingNode am) {
          r.entries(am).forEach((ak, av) -> {
            if (ak.equals("aliases")) {
              for (Node a : r.sequence(av.value(), p + ".networks." + key + ".aliases")) {
                String s = r.scalar(a, p + ".networks." + key + ".aliases");
                if (s != null) aliases.add(s);
              }
            } else {
              r.warnOnce("services.*.networks.*." + ak, av.key(), ak + " on a service network is not supported by swarm services and is ignored");
            }
          });
        }
        attach(attachments, networks, key, ne.key(), name, aliases, p);
      });
    } else {
      r.error(nn, p + ".networks: expected a list of network names or a mapping");
    }
    return attachments;
  }

  private void attach(List<Attachment> out, Map<String, Network> networks, String key, Node at, String service,
      List<String> aliases, String p) {
    var n = networks.get(key);
    if (n == null) {
      r.error(at, p + ".networks: network '" + key + "' is not declared under the top-level networks:"
          + (networks.size() > 1 ? " declared are " + String.join(", ", networks.keySet().stream().filter(k -> !k.equals("default")).toList()) : ""));
      return;
    }
    var all = new ArrayList<String>();
    all.add(service);
    aliases.stream().filter(a -> !a.equals(service)).forEach(all::add);
    out.add(new Attachment(n.name(), all));
  }

  /** The networks the stack creates or attaches to: every declared one, {@code default} only when a service uses it. */
  static List<Network> used(Map<String, Network> networks, List<StackSpec.Service> services) {
    boolean usesDefault = services.stream().anyMatch(s -> s.networks().stream()
        .anyMatch(a -> a.network().equals(networks.get("default").name())));
    var used = new ArrayList<Network>();
    networks.forEach((key, n) -> {
      if (!key.equals("default") || usesDefault) used.add(n);
    });
    return used;
  }
}
