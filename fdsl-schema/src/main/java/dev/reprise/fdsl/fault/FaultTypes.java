package dev.reprise.fdsl.fault;

import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.reprise.fdsl.model.CpuFault;
import dev.reprise.fdsl.model.CustomFault;
import dev.reprise.fdsl.model.DiskFillFault;
import dev.reprise.fdsl.model.FaultSpec;
import dev.reprise.fdsl.model.IoFault;
import dev.reprise.fdsl.model.KillFault;
import dev.reprise.fdsl.model.MemoryFault;
import dev.reprise.fdsl.model.NetworkFault;
import dev.reprise.fdsl.model.PartitionFault;
import dev.reprise.fdsl.model.PauseFault;
import dev.reprise.fdsl.model.RestartFault;
import dev.reprise.fdsl.model.SignalFault;
import dev.reprise.fdsl.model.Signals;
import dev.reprise.fdsl.parse.FaultParser;
import dev.reprise.fdsl.parse.ParseContext;
import dev.reprise.fdsl.parse.YamlReader;
import dev.reprise.fdsl.source.Suggestions;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The fault types FDSL knows: one {@link FaultType} entry each, the only list of them. The scenario
 * parser's fault keys, the JSON {@code type} names of {@link FaultSpec} (by name, never by class
 * name: {@link #jacksonModule()}) and the fault section of the JSON Schema all come from here; the
 * local controller keys its injectors by the same names.
 *
 * <p>Adding a fault type: its record in {@code dev.reprise.fdsl.model} (permitted by the sealed
 * {@link FaultSpec}), its entry here (name, record, parser, schema fragment, example, host
 * features), its fragment in the schema file, and its injector in the local controller's
 * {@code Injectors}, each with its tests. {@code FaultTypesTest} and the local controller's
 * {@code InjectorsRegistryTest} fail while any part is missing. Parsers read their fields through
 * {@code FaultFields} (the extensions' parsers are in {@code FaultParsers}); a fault that names
 * containers besides its targets (network's {@code to}, partition's {@code peers}) returns them as
 * target groups, which the planner resolves into {@code FaultAction.groups()}.
 */
public final class FaultTypes {

  public static final FaultType<KillFault> KILL = new FaultType<>(KillFault.TYPE, KillFault.class, FaultParser.ungrouped(FaultTypes::kill), """
      {"description": "SIGKILL; the containers are dead afterwards.", "type": ["null", "object"], "maxProperties": 0}
      """, "", Set.of());

  public static final FaultType<SignalFault> SIGNAL = new FaultType<>(SignalFault.TYPE, SignalFault.class, FaultParser.ungrouped(FaultTypes::signal), """
      {
        "type": "object",
        "additionalProperties": false,
        "required": ["signal", "kills_container"],
        "properties": {
          "signal": {
            "description": "A POSIX signal name.",
            "type": "string",
            "pattern": "^(?i)(SIG)?(HUP|INT|QUIT|ILL|TRAP|ABRT|IOT|BUS|FPE|KILL|USR1|SEGV|USR2|PIPE|ALRM|TERM|STKFLT|CHLD|CLD|CONT|STOP|TSTP|TTIN|TTOU|URG|XCPU|XFSZ|VTALRM|PROF|WINCH|IO|POLL|PWR|SYS|UNUSED)$"
          },
          "kills_container": {"$ref": "#/definitions/yesNo"}
        }
      }
      """, "{signal: SIGUSR1, kills_container: no}", Set.of());

  public static final FaultType<CpuFault> CPU = new FaultType<>(CpuFault.TYPE, CpuFault.class, FaultParser.ungrouped(FaultTypes::cpu), """
      {
        "type": "object",
        "additionalProperties": false,
        "required": ["duration"],
        "properties": {
          "duration": {"$ref": "#/definitions/duration"},
          "cores": {"description": "Extension: cores to burn (default 1).", "type": "integer", "minimum": 1}
        }
      }
      """, "{duration: 30s, cores: 2}", Set.of(HostFeature.CGROUP_PROCS, HostFeature.SHELL));

  public static final FaultType<CustomFault> CUSTOM = new FaultType<>(CustomFault.TYPE, CustomFault.class, FaultParser.ungrouped(FaultTypes::custom), """
      {
        "type": "object",
        "additionalProperties": false,
        "required": ["kills_container", "fault_file_name"],
        "properties": {
          "kills_container": {"$ref": "#/definitions/yesNo"},
          "fault_file_name": {"description": "A script in the faults/ folder next to the scenario.", "type": "string", "pattern": "^[^/]+$"},
          "fault_file_folder": {"description": "Where the script is placed in the container (default /usr/lib/faultsee/).", "type": "string", "pattern": "^/"},
          "fault_script_arguments": {"type": ["array", "null"], "items": {"type": ["string", "number", "boolean"]}},
          "executable": {"description": "Interpreter (default /bin/sh).", "type": "string"},
          "executable_arguments": {"type": ["array", "null"], "items": {"type": ["string", "number", "boolean"]}}
        }
      }
      """, "{kills_container: no, fault_file_name: x.sh, fault_script_arguments: [20]}", Set.of());

  public static final FaultType<NetworkFault> NETWORK = new FaultType<>(NetworkFault.TYPE, NetworkFault.class, FaultParsers::network, """
      {
        "description": "Extension: degrade the targets' traffic, netem-like; the effects combine (at least one).",
        "type": "object",
        "additionalProperties": false,
        "required": ["duration"],
        "anyOf": [{"required": ["delay"]}, {"required": ["loss"]}, {"required": ["corrupt"]}, {"required": ["duplicate"]},
          {"required": ["reorder"]}, {"required": ["rate"]}],
        "dependencies": {"reorder": ["delay"]},
        "properties": {
          "duration": {"$ref": "#/definitions/duration"},
          "delay": {
            "description": "Added latency: a duration (50ms, 1.5ms, 250us), or its time, jitter and correlation (percent).",
            "oneOf": [
              {"$ref": "#/definitions/preciseDuration"},
              {
                "type": "object",
                "additionalProperties": false,
                "required": ["time"],
                "properties": {
                  "time": {"$ref": "#/definitions/preciseDuration"},
                  "jitter": {"$ref": "#/definitions/preciseDuration"},
                  "correlation": {"$ref": "#/definitions/percent"}
                }
              }
            ]
          },
          "loss": {"description": "Dropped packets: a percentage (10%), or its percent and correlation.", "$ref": "#/definitions/correlatedPercent"},
          "corrupt": {"description": "Packets with a flipped bit, a percentage.", "$ref": "#/definitions/percent"},
          "duplicate": {"description": "Packets sent twice, a percentage.", "$ref": "#/definitions/percent"},
          "reorder": {"description": "Packets sent at once, ahead of the delayed ones (needs delay): a percentage, or its percent and correlation.",
            "$ref": "#/definitions/correlatedPercent"},
          "rate": {
            "description": "A bandwidth limit in tc's units: bit, kbit, mbit, gbit (bits per second) or bps, kbps, mbps, gbps (bytes per second).",
            "type": "string",
            "pattern": "^\\\\s*\\\\d+(\\\\.\\\\d+)?\\\\s*(?i)[kmgt]?(bit|bps)\\\\s*$"
          },
          "to": {"description": "Only traffic with these containers: service -> all, or a list of IDs.", "$ref": "#/definitions/containers"},
          "ports": {
            "description": "Only packets to these destination ports.",
            "type": "array", "minItems": 1, "uniqueItems": true,
            "items": {"type": "integer", "minimum": 1, "maximum": 65535}
          },
          "direction": {"description": "Which of the targets' packets: sent (egress, the default), received (ingress), or both.",
            "enum": ["egress", "ingress", "both"]}
        }
      }
      """, "{duration: 30s, delay: {time: 50ms, jitter: 5ms, correlation: 25}, loss: 10%, rate: 1mbit, to: {web: all}, ports: [9042],"
      + " direction: both}", Set.of(HostFeature.NSENTER), FaultTypes::networkFeatures);

  public static final FaultType<PartitionFault> PARTITION = new FaultType<>(PartitionFault.TYPE, PartitionFault.class, FaultParsers::partition, """
      {
        "description": "Extension: cut the traffic between the targets and their peers.",
        "type": "object",
        "additionalProperties": false,
        "required": ["duration"],
        "properties": {
          "duration": {"$ref": "#/definitions/duration"},
          "peers": {"description": "service -> all, or a list of IDs (default: every other container of the run).", "$ref": "#/definitions/containers"},
          "direction": {"description": "both (the default), outgoing (the targets cannot send to the peers) or incoming (the peers cannot send to the targets).",
            "enum": ["both", "outgoing", "incoming"]}
        }
      }
      """, "{duration: 20s, peers: {web: [0]}, direction: outgoing}", Set.of(HostFeature.NSENTER, HostFeature.IPTABLES));

  public static final FaultType<PauseFault> PAUSE = new FaultType<>(PauseFault.TYPE, PauseFault.class, FaultParser.ungrouped(FaultParsers::pause), """
      {
        "description": "Extension: freeze the containers' processes for a duration (pause: 10s, or pause: {duration: 10s}).",
        "oneOf": [
          {"$ref": "#/definitions/duration"},
          {"type": "object", "additionalProperties": false, "required": ["duration"], "properties": {"duration": {"$ref": "#/definitions/duration"}}}
        ]
      }
      """, "10s", Set.of());

  public static final FaultType<RestartFault> RESTART = new FaultType<>(RestartFault.TYPE, RestartFault.class, FaultParser.ungrouped(FaultParsers::restart), """
      {
        "description": "Extension: stop the containers and start them again (same container, same ID, same volumes).",
        "type": ["null", "object"],
        "additionalProperties": false,
        "properties": {
          "duration": {"description": "How long they stay stopped (default 0: started again at once).", "$ref": "#/definitions/time"},
          "grace": {"description": "SIGTERM to SIGKILL wait (default: the run's stop grace period).", "$ref": "#/definitions/time"}
        }
      }
      """, "{duration: 5s, grace: 10s}", Set.of());

  public static final FaultType<MemoryFault> MEMORY = new FaultType<>(MemoryFault.TYPE, MemoryFault.class, FaultParser.ungrouped(FaultParsers::memory), """
      {
        "description": "Extension: hold memory inside the containers' cgroups.",
        "type": "object",
        "additionalProperties": false,
        "required": ["duration", "size"],
        "properties": {
          "duration": {"$ref": "#/definitions/duration"},
          "size": {"description": "How much (512MiB, 1GiB; a bare number is MiB).", "$ref": "#/definitions/size"},
          "rate": {
            "description": "How fast to allocate (64MiB/s; a bare number is MiB/s); default: at once.",
            "oneOf": [
              {"type": "number", "exclusiveMinimum": 0},
              {"type": "string", "pattern": "^\\\\s*\\\\d+(\\\\.\\\\d+)?\\\\s*((?i)[kmgt]i?b|b)?\\\\s*(/s)?\\\\s*$"}
            ]
          }
        }
      }
      """, "{duration: 30s, size: 512MiB, rate: 64MiB/s}", Set.of(HostFeature.CGROUP_PROCS, HostFeature.NATIVE_HELPER));

  public static final FaultType<DiskFillFault> DISK_FILL = new FaultType<>(DiskFillFault.TYPE, DiskFillFault.class,
      FaultParser.ungrouped(FaultParsers::diskFill), """
      {
        "description": "Extension: fill a file system inside the containers, by a size or up to a percentage used.",
        "type": "object",
        "additionalProperties": false,
        "required": ["duration", "path"],
        "oneOf": [{"required": ["size"]}, {"required": ["percent"]}],
        "properties": {
          "duration": {"$ref": "#/definitions/duration"},
          "path": {"$ref": "#/definitions/absolutePath"},
          "size": {"description": "How much to write (1GiB; a bare number is MiB).", "$ref": "#/definitions/size"},
          "percent": {"description": "Fill the path's file system until this percentage is used.", "$ref": "#/definitions/percent"}
        }
      }
      """, "{duration: 30s, path: /var/lib/cassandra, size: 1GiB}", Set.of());

  public static final FaultType<IoFault> IO = new FaultType<>(IoFault.TYPE, IoFault.class, FaultParser.ungrouped(FaultParsers::io), """
      {
        "description": "Extension: load the disk under a path inside the containers with reading and/or writing workers.",
        "type": "object",
        "additionalProperties": false,
        "required": ["duration", "path"],
        "properties": {
          "duration": {"$ref": "#/definitions/duration"},
          "path": {"$ref": "#/definitions/absolutePath"},
          "mode": {"description": "What the workers do (default readwrite).", "enum": ["read", "write", "readwrite"]},
          "workers": {"description": "Workers per container (default 1).", "type": "integer", "minimum": 1, "maximum": 64},
          "size": {"description": "Each worker's file (default 64MiB; a bare number is MiB).", "$ref": "#/definitions/size"}
        }
      }
      """, "{duration: 30s, path: /data, mode: write, workers: 2, size: 64MiB}", Set.of(HostFeature.CGROUP_PROCS, HostFeature.NATIVE_HELPER));

  private static final Map<String, FaultType<?>> BY_NAME = index(List.of(KILL, SIGNAL, CPU, CUSTOM, NETWORK, PARTITION, PAUSE, RESTART,
      MEMORY, DISK_FILL, IO));

  private FaultTypes() {}

  private static Map<String, FaultType<?>> index(List<FaultType<?>> types) {
    var byName = new LinkedHashMap<String, FaultType<?>>();
    var byRecord = new HashSet<Class<?>>();
    for (var t : types) {
      if (byName.put(t.name(), t) != null) throw new IllegalStateException("fault type '" + t.name() + "' is registered twice");
      if (!byRecord.add(t.record())) throw new IllegalStateException("record " + t.record().getSimpleName() + " is registered twice");
    }
    return Collections.unmodifiableMap(byName);
  }

  /** Every registered fault type, in registration order. */
  public static List<FaultType<?>> all() {
    return List.copyOf(BY_NAME.values());
  }

  /** The registered names (FDSL keys), sorted. */
  public static SortedSet<String> names() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(BY_NAME.keySet()));
  }

  /** The fault type registered as {@code name}, if any. */
  public static Optional<FaultType<?>> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /**
   * The host features the injectors need to apply {@code faults}, together (empty when none needs
   * any): each type's static features and what its parameters add ({@link FaultType#featuresOf(FaultSpec)}).
   */
  public static Set<HostFeature> hostFeatures(java.util.Collection<? extends FaultSpec> faults) {
    var needed = EnumSet.noneOf(HostFeature.class);
    for (var f : faults) needed.addAll(of(f).featuresOf(f));
    return Collections.unmodifiableSet(needed);
  }

  /** The entry of {@code fault}'s type. Every {@link FaultSpec} has one (FaultTypesTest). */
  public static FaultType<?> of(FaultSpec fault) {
    return byName(fault.type()).orElseThrow(() -> new IllegalStateException("fault type '" + fault.type() + "' ("
        + fault.getClass().getSimpleName() + ") is not registered in FaultTypes"));
  }

  /**
   * The Jackson module that names every {@link FaultSpec} subtype by its registered name (the
   * {@code type} property); {@code PlanJson}'s mapper has it.
   */
  public static Module jacksonModule() {
    var module = new SimpleModule("reprise-fault-types");
    module.registerSubtypes(BY_NAME.values().stream().map(t -> new NamedType(t.record(), t.name())).toArray(NamedType[]::new));
    return module;
  }

  /**
   * A network fault's needs beyond nsenter: iptables to drop without correlation, narrow to peers
   * or ports, or queue packets to the packet helper; packet emulation for delay, corrupt, duplicate,
   * reorder and correlated loss; tc for a rate, with ifb links to shape what the targets receive.
   */
  static Set<HostFeature> networkFeatures(NetworkFault f) {
    var needed = EnumSet.noneOf(HostFeature.class);
    if (f.loss() != null || !f.ports().isEmpty() || !f.to().isEmpty() || f.emulates()) needed.add(HostFeature.IPTABLES);
    if (f.emulates()) needed.add(HostFeature.NET_EMULATION);
    if (f.rateBitsPerSecond() != null) {
      needed.add(HostFeature.TC);
      if (f.direction() != NetworkFault.Direction.EGRESS) needed.add(HostFeature.IFB);
    }
    return needed;
  }

  private static Optional<FaultSpec> kill(YamlReader yaml, Node value, String path, ParseContext ctx) {
    if (YamlReader.isNull(value)) return Optional.of(new KillFault());
    var m = yaml.mapping(value, path);
    if (m.isEmpty()) return Optional.empty();
    yaml.rejectUnknownKeys(m.get(), path, List.of());
    return m.get().isEmpty() ? Optional.of(new KillFault()) : Optional.empty();
  }

  private static Optional<FaultSpec> signal(YamlReader yaml, Node value, String path, ParseContext ctx) {
    var m = yaml.mapping(value, path);
    if (m.isEmpty()) return Optional.empty();
    var e = m.get();
    yaml.rejectUnknownKeys(e, path, List.of("signal", "kills_container"));
    Optional<String> signal = Optional.empty();
    if (!e.containsKey("signal")) {
      yaml.problem(YamlReader.pos(value), path + ": missing 'signal' (a POSIX signal name such as SIGUSR1)");
    } else {
      var name = yaml.string(e.get("signal").value(), path + ".signal");
      if (name.isPresent()) {
        signal = Signals.canonical(name.get());
        if (signal.isEmpty()) {
          String why = Signals.whyRejected(name.get());
          yaml.problem(YamlReader.pos(e.get("signal").value()), path + ".signal: " + why
              + (why.startsWith("'") ? Suggestions.didYouMean(name.get().toUpperCase(java.util.Locale.ROOT), Signals.names()) : ""));
        }
      }
    }
    Optional<Boolean> kills = Optional.empty();
    if (!e.containsKey("kills_container")) {
      yaml.problem(YamlReader.pos(value), path + ": missing 'kills_container' (yes if the signal ends the container, no otherwise)");
    } else {
      kills = yaml.yesNo(e.get("kills_container").value(), path + ".kills_container");
    }
    if (signal.isPresent() && (signal.get().equals("SIGSTOP") || signal.get().equals("SIGCONT"))) {
      yaml.problem(YamlReader.pos(e.get("signal").value()), path + ".signal: " + signal.get()
          + (signal.get().equals("SIGSTOP") ? " freezes the container until a SIGCONT that no fault sends" : " only resumes a frozen container")
          + "; use the pause fault to freeze the containers for a while (pause: 10s)");
      return Optional.empty();
    }
    if (signal.isPresent() && signal.get().equals("SIGKILL") && kills.isPresent() && !kills.get()) {
      yaml.problem(YamlReader.pos(e.get("kills_container").value()), path + ".kills_container: SIGKILL always ends the container;"
          + " write kills_container: yes (or use the kill fault)");
      return Optional.empty();
    }
    if (signal.isEmpty() || kills.isEmpty()) return Optional.empty();
    return Optional.of(new SignalFault(signal.get(), kills.get()));
  }

  private static Optional<FaultSpec> cpu(YamlReader yaml, Node value, String path, ParseContext ctx) {
    var m = yaml.mapping(value, path);
    if (m.isEmpty()) return Optional.empty();
    var e = m.get();
    yaml.rejectUnknownKeys(e, path, List.of("duration", "cores"));
    Optional<Long> duration = Optional.empty();
    if (!e.containsKey("duration")) {
      yaml.problem(YamlReader.pos(value), path + ": missing 'duration' (seconds, or a duration such as 30s)");
    } else {
      duration = yaml.millis(e.get("duration").value(), path + ".duration");
      if (duration.isPresent() && duration.get() <= 0) {
        yaml.problem(YamlReader.pos(e.get("duration").value()), path + ".duration: must be > 0");
        duration = Optional.empty();
      }
    }
    long cores = 1;
    if (e.containsKey("cores")) {
      var c = yaml.integer(e.get("cores").value(), path + ".cores", 1, 1024);
      if (c.isEmpty()) return Optional.empty();
      cores = c.get();
    }
    final int coreCount = (int) cores;
    return duration.map(d -> new CpuFault(d, coreCount));
  }

  private static Optional<FaultSpec> custom(YamlReader yaml, Node value, String path, ParseContext ctx) {
    var m = yaml.mapping(value, path);
    if (m.isEmpty()) return Optional.empty();
    var e = m.get();
    yaml.rejectUnknownKeys(e, path, List.of("kills_container", "fault_file_name", "fault_file_folder",
        "fault_script_arguments", "executable", "executable_arguments"));
    boolean ok = true;
    Boolean kills = null;
    if (!e.containsKey("kills_container")) {
      yaml.problem(YamlReader.pos(value), path + ": missing 'kills_container' (yes if the script ends the container, no otherwise)");
      ok = false;
    } else {
      kills = yaml.yesNo(e.get("kills_container").value(), path + ".kills_container").orElse(null);
      ok &= kills != null;
    }
    String file = null;
    if (!e.containsKey("fault_file_name")) {
      yaml.problem(YamlReader.pos(value), path + ": missing 'fault_file_name' (the script's name in " + ctx.faultsFolder() + ")");
      ok = false;
    } else {
      Node n = e.get("fault_file_name").value();
      file = yaml.string(n, path + ".fault_file_name").orElse(null);
      if (file != null && (file.isBlank() || file.contains("/") || file.equals("..") || file.equals("."))) {
        yaml.problem(YamlReader.pos(n), path + ".fault_file_name: '" + file + "' must be a plain file name in " + ctx.faultsFolder());
        file = null;
      } else if (file != null && !ctx.faultScriptExists().test(file)) {
        yaml.problem(YamlReader.pos(n), path + ".fault_file_name: no file '" + file + "' in " + ctx.faultsFolder()
            + " (looked in, in this order: faults/ next to the scenario, environment.faults, --faults DIR, "
            + "the LSDS_FAULTS_FOLDER_LOCAL folder)");
        file = null;
      }
      ok &= file != null;
    }
    String folder = null;
    if (e.containsKey("fault_file_folder")) {
      Node n = e.get("fault_file_folder").value();
      folder = yaml.string(n, path + ".fault_file_folder").orElse(null);
      if (folder != null && !folder.startsWith("/")) {
        yaml.problem(YamlReader.pos(n), path + ".fault_file_folder: '" + folder + "' must be an absolute path inside the container");
        folder = null;
      }
      ok &= folder != null;
    }
    List<String> scriptArgs = null;
    if (e.containsKey("fault_script_arguments")) {
      scriptArgs = yaml.stringList(e.get("fault_script_arguments").value(), path + ".fault_script_arguments").orElse(null);
      ok &= scriptArgs != null;
    }
    String executable = null;
    if (e.containsKey("executable")) {
      executable = yaml.string(e.get("executable").value(), path + ".executable").orElse(null);
      ok &= executable != null;
    }
    List<String> execArgs = null;
    if (e.containsKey("executable_arguments")) {
      execArgs = yaml.stringList(e.get("executable_arguments").value(), path + ".executable_arguments").orElse(null);
      ok &= execArgs != null;
    }
    if (!ok) return Optional.empty();
    return Optional.of(new CustomFault(kills, file, folder, scriptArgs, executable, execArgs));
  }
}
