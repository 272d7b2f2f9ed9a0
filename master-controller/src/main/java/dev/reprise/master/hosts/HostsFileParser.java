package dev.reprise.master.hosts;

import dev.reprise.fdsl.source.Suggestions;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a hosts file (format in master-controller/README.md):
 *
 * <pre>
 * known_hosts: ~/.ssh/known_hosts   # optional
 * ntp_server: pool.ntp.org          # optional
 * hosts:
 *   - name: db1                     # optional, default: address
 *     address: 10.0.0.11
 *     port: 22                      # optional
 *     user: root
 *     private_key: ~/.ssh/id_ed25519  # or password: (discouraged)
 *     work_dir: /var/tmp/reprise    # optional
 * </pre>
 *
 * Every problem is reported at once as {@code FILE:LINE:COL: path: message}. A password's value is
 * never part of a message. Relative paths are resolved against the hosts file's folder; {@code ~}
 * is the user's home. Stateless and thread-safe.
 */
public final class HostsFileParser {
  private static final List<String> TOP_KEYS = List.of("hosts", "known_hosts", "ntp_server");
  private static final List<String> HOST_KEYS = List.of("name", "address", "port", "user", "private_key", "password", "work_dir");

  private final Path home;

  /** @param home what {@code ~} means (the user's home directory) */
  public HostsFileParser(Path home) {
    this.home = home;
  }

  public HostsFileParser() {
    this(Path.of(System.getProperty("user.home")));
  }

  public HostsFile parse(Path file) throws HostsFileException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new HostsFileException(List.of(file + ": cannot read the hosts file: " + e.getMessage()));
    }
    return parse(file, new StringReader(text));
  }

  /** Parses {@code text} as if read from {@code file} (which names positions and anchors relative paths). */
  public HostsFile parse(Path file, Reader text) throws HostsFileException {
    var problems = new Problems(file);
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(text);
    } catch (MarkedYAMLException e) {
      var m = e.getProblemMark();
      throw new HostsFileException(List.of(file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ": not valid YAML: " + e.getProblem()));
    }
    if (!(root instanceof MappingNode top)) {
      throw new HostsFileException(List.of(file + ":1:1: a hosts file is a mapping with a 'hosts' list"));
    }
    Path dir = file.toAbsolutePath().getParent();
    Path knownHosts = home.resolve(".ssh").resolve("known_hosts");
    String ntp = null;
    SequenceNode hostsNode = null;
    for (NodeTuple t : top.getValue()) {
      String key = keyOf(t, problems, "");
      if (key == null) continue;
      Node v = t.getValueNode();
      switch (key) {
        case "known_hosts" -> {
          String s = string(v, "known_hosts", problems);
          if (s != null) knownHosts = path(dir, s);
        }
        case "ntp_server" -> ntp = string(v, "ntp_server", problems);
        case "hosts" -> {
          if (v instanceof SequenceNode seq) hostsNode = seq;
          else problems.add(v, "hosts: must be a list of hosts");
        }
        default -> problems.add(t.getKeyNode(), "unknown key '" + key + "'" + Suggestions.didYouMean(key, TOP_KEYS)
            + " (expected one of " + String.join(", ", TOP_KEYS) + ")");
      }
    }
    var hosts = new ArrayList<HostSpec>();
    if (hostsNode == null) {
      if (problems.isEmpty()) problems.add(top, "hosts: missing; list at least one host");
    } else if (hostsNode.getValue().isEmpty()) {
      problems.add(hostsNode, "hosts: empty; list at least one host");
    } else {
      Set<String> names = new HashSet<>();
      int i = 0;
      for (Node h : hostsNode.getValue()) {
        var spec = host(h, "hosts[" + i + "]", dir, problems);
        if (spec != null && !names.add(spec.name())) {
          problems.add(h, "hosts[" + i + "].name: '" + spec.name() + "' names two hosts; give each host its own name");
        }
        if (spec != null) hosts.add(spec);
        i++;
      }
    }
    if (!problems.isEmpty()) throw new HostsFileException(problems.list);
    return new HostsFile(file, hosts, knownHosts, ntp);
  }

  private HostSpec host(Node node, String at, Path dir, Problems problems) {
    if (!(node instanceof MappingNode map)) {
      problems.add(node, at + ": must be a mapping with address, user and private_key");
      return null;
    }
    String name = null, address = null, user = null, keyText = null, workDir = HostSpec.DEFAULT_WORK_DIR;
    HostSpec.Secret password = null;
    int port = 22;
    Node keyNode = null;
    int before = problems.list.size();
    for (NodeTuple t : map.getValue()) {
      String key = keyOf(t, problems, at + ".");
      if (key == null) continue;
      Node v = t.getValueNode();
      String p = at + "." + key;
      switch (key) {
        case "name" -> name = string(v, p, problems);
        case "address" -> address = string(v, p, problems);
        case "user" -> user = string(v, p, problems);
        case "work_dir" -> {
          String s = string(v, p, problems);
          if (s != null && !s.startsWith("/")) problems.add(v, p + ": must be an absolute path on that host, not '" + s + "'");
          else if (s != null) workDir = s;
        }
        case "private_key" -> {
          keyText = string(v, p, problems);
          keyNode = v;
        }
        case "password" -> {
          // never echo the value: not in messages, not in toString
          if (v instanceof ScalarNode s && !s.getValue().isEmpty()) password = new HostSpec.Secret(s.getValue());
          else problems.add(v, p + ": must be a non-empty string");
        }
        case "port" -> {
          String s = string(v, p, problems);
          if (s != null) {
            try {
              port = Integer.parseInt(s);
              if (port < 1 || port > 65535) throw new NumberFormatException();
            } catch (NumberFormatException e) {
              problems.add(v, p + ": must be a port number 1..65535, not '" + s + "'");
            }
          }
        }
        default -> problems.add(t.getKeyNode(), p + ": unknown key" + Suggestions.didYouMean(key, HOST_KEYS)
            + " (expected one of " + String.join(", ", HOST_KEYS) + ")");
      }
    }
    boolean clean = problems.list.size() == before; // a misspelt key is reported once, not again as missing
    if (address == null && clean) problems.add(map, at + ".address: missing");
    if (user == null && clean) problems.add(map, at + ".user: missing");
    Path key = null;
    if (keyText != null) {
      key = path(dir, keyText);
      if (!Files.isReadable(key)) problems.add(keyNode, at + ".private_key: cannot read " + key);
      if (password != null) problems.add(keyNode, at + ": give private_key or password, not both");
    } else if (password == null && clean) {
      problems.add(map, at + ": give private_key (or password, discouraged)");
    }
    if (problems.list.size() != before) return null;
    return new HostSpec(name != null ? name : address, address, port, user, key, password, workDir);
  }

  private Path path(Path dir, String s) {
    if (s.equals("~")) return home;
    if (s.startsWith("~/")) return home.resolve(s.substring(2));
    return dir.resolve(s).normalize();
  }

  private static String keyOf(NodeTuple t, Problems problems, String at) {
    if (t.getKeyNode() instanceof ScalarNode s) return s.getValue();
    problems.add(t.getKeyNode(), at + "keys must be plain words");
    return null;
  }

  private static String string(Node v, String path, Problems problems) {
    if (v instanceof ScalarNode s && !s.getValue().isBlank()) return s.getValue().trim();
    problems.add(v, path + ": must be a non-empty string");
    return null;
  }

  private static final class Problems {
    final Path file;
    final List<String> list = new ArrayList<>();

    Problems(Path file) {
      this.file = file;
    }

    void add(Node at, String message) {
      var m = at.getStartMark();
      list.add(file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ": " + message);
    }

    boolean isEmpty() {
      return list.isEmpty();
    }
  }
}
