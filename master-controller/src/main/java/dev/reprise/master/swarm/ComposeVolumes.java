package dev.reprise.master.swarm;

import dev.reprise.master.swarm.ComposeReader.Entry;
import dev.reprise.master.swarm.StackSpec.Mount;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Compose volumes → swarm mounts: the top-level {@code volumes} (named {@code <stack>_<key>} unless
 * external or named; created by swarm and kept after the run, as {@code docker stack rm} does), and a
 * service's {@code volumes} (named, bind mounts relative to the compose file, anonymous, long syntax)
 * and {@code tmpfs}. A named volume that is not declared is an error.
 */
final class ComposeVolumes {
  private static final Set<String> VOLUME_KEYS = Set.of("external", "name", "labels");
  private static final Set<String> MOUNT_KEYS = Set.of("type", "source", "target", "read_only");

  private final ComposeReader r;
  private final String stack;

  ComposeVolumes(ComposeReader reader, String stack) {
    this.r = reader;
    this.stack = stack;
  }

  /** Top-level volumes: key → a volume mount template (swarm volume name and labels; no target). */
  Map<String, Mount> declared(Entry top) {
    return r.topLevel(top, "volumes", "volume", this::volume);
  }

  /** One top-level volume as a volume mount template. */
  private Mount volume(String key, Node node) {
    String path = "volumes." + key;
    String name = stack + "_" + key;
    var labels = new LinkedHashMap<String, String>();
    labels.put(StackSpec.NAMESPACE_LABEL, stack);
    if (node instanceof MappingNode vm) {
      var ve = r.entries(vm);
      boolean external = ve.containsKey("external") && !(ve.get("external").value() instanceof MappingNode)
          && Boolean.TRUE.equals(r.bool(ve.get("external").value(), path + ".external"));
      if (ve.containsKey("name")) name = r.scalar(ve.get("name").value(), path + ".name");
      else if (external) name = key;
      if (external) labels.clear();
      if (ve.containsKey("labels")) labels.putAll(r.labels(ve.get("labels").value(), path + ".labels"));
      ve.forEach((k, v) -> {
        if (!VOLUME_KEYS.contains(k)) {
          r.warnOnce("volumes.*." + k, v.key(), path + "." + k + " is not supported; the local driver with default options is used");
        }
      });
    }
    return new Mount("volume", name, "", false, labels);
  }

  /** A service's {@code volumes} and {@code tmpfs} as mounts, in that order. */
  List<Mount> mounts(Map<String, Entry> e, Map<String, Mount> volumes, String p) {
    var mounts = new ArrayList<Mount>();
    if (e.containsKey("volumes")) {
      for (Node v : r.sequence(e.get("volumes").value(), p + ".volumes")) {
        var m = mount(v, volumes, p);
        if (m != null) mounts.add(m);
      }
    }
    if (e.containsKey("tmpfs")) {
      Node t = e.get("tmpfs").value();
      List<Node> items = t instanceof SequenceNode seq ? seq.getValue() : List.of(t);
      for (Node item : items) {
        String target = r.scalar(item, p + ".tmpfs");
        if (target != null) mounts.add(new Mount("tmpfs", null, target.split(":")[0], false, Map.of()));
      }
    }
    return mounts;
  }

  private Mount mount(Node v, Map<String, Mount> volumes, String p) {
    String path = p + ".volumes";
    if (v instanceof MappingNode m) return longSyntax(m, volumes, path);
    String s = r.scalar(v, path);
    if (s == null) return null;
    String[] parts = s.split(":");
    if (parts.length == 1) return new Mount("volume", null, parts[0], false, Map.of(StackSpec.NAMESPACE_LABEL, stack));
    if (parts.length > 3) {
      r.error(v, path + ": expected SOURCE:TARGET[:ro], got '" + s + "'");
      return null;
    }
    boolean ro = parts.length == 3 && parts[2].contains("ro");
    if (parts.length == 3 && !parts[2].matches("(ro|rw)(,.*)?|.*,(ro|rw)")) {
      r.warnOnce("services.*.volumes:mode", v, "volume mode '" + parts[2] + "' is ignored except for ro/rw");
    }
    String src = parts[0];
    if (src.startsWith(".") || src.startsWith("/") || src.startsWith("~")) return bind(src, parts[1], ro);
    return namedVolume(v, volumes, src, parts[1], ro, path);
  }

  private Mount longSyntax(MappingNode v, Map<String, Mount> volumes, String path) {
    var e = r.entries(v);
    String type = e.containsKey("type") ? r.scalar(e.get("type").value(), path + ".type") : "volume";
    String source = r.optionalScalar(e, "source", path + ".source");
    String target = r.optionalScalar(e, "target", path + ".target");
    boolean ro = r.flag(e, "read_only", path + ".read_only");
    if (target == null) {
      r.error(v, path + ": a target is required");
      return null;
    }
    e.forEach((k, x) -> {
      if (!MOUNT_KEYS.contains(k)) r.warnOnce("services.*.volumes." + k, x.key(), "volumes: " + k + " is not supported and is ignored");
    });
    return switch (type == null ? "" : type) {
      case "bind" -> {
        if (source != null) yield bind(source, target, ro);
        r.error(v, path + ": a bind mount needs a source");
        yield null;
      }
      case "volume" -> namedVolume(v, volumes, source, target, ro, path);
      case "tmpfs" -> new Mount("tmpfs", null, target, false, Map.of());
      default -> {
        r.error(e.get("type").value(), path + ".type: expected bind, volume or tmpfs, got '" + type + "'");
        yield null;
      }
    };
  }

  /** A bind mount; relative sources are relative to the compose file's folder, {@code ~} is this user's home. */
  private Mount bind(String source, String target, boolean ro) {
    Path base = r.file.toAbsolutePath().getParent();
    String src = source.startsWith("~") ? System.getProperty("user.home") + source.substring(1) : source;
    return new Mount("bind", base.resolve(src).normalize().toString(), target, ro, Map.of());
  }

  private Mount namedVolume(Node at, Map<String, Mount> volumes, String source, String target, boolean ro, String path) {
    if (source == null) return new Mount("volume", null, target, ro, Map.of(StackSpec.NAMESPACE_LABEL, stack));
    var declared = volumes.get(source);
    if (declared == null) {
      r.error(at, path + ": volume '" + source + "' is not declared under the top-level volumes:");
      return null;
    }
    return new Mount("volume", declared.source(), target, ro, declared.volumeLabels());
  }
}
