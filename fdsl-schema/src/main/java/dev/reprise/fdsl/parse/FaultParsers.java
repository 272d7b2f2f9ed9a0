package dev.reprise.fdsl.parse;

import dev.reprise.fdsl.model.CpuFault;
import dev.reprise.fdsl.model.CustomFault;
import dev.reprise.fdsl.model.FaultSpec;
import dev.reprise.fdsl.model.KillFault;
import dev.reprise.fdsl.model.SignalFault;
import dev.reprise.fdsl.model.Signals;
import dev.reprise.fdsl.text.Suggestions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The fault types FDSL knows, by their key. Adding a fault type = its record in
 * {@code dev.reprise.fdsl.model}, a parser here, and an injector in the local controller.
 */
public final class FaultParsers {
  private static final Map<String, FaultParser> BY_TYPE = new TreeMap<>(Map.of(
      KillFault.TYPE, FaultParsers::kill,
      SignalFault.TYPE, FaultParsers::signal,
      CpuFault.TYPE, FaultParsers::cpu,
      CustomFault.TYPE, FaultParsers::custom));

  private FaultParsers() {}

  /** The fault type keys, sorted. */
  public static java.util.Set<String> types() {
    return BY_TYPE.keySet();
  }

  public static Optional<FaultParser> forType(String type) {
    return Optional.ofNullable(BY_TYPE.get(type));
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
            + " (custom fault scripts are shipped from the faults/ folder next to the scenario)");
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
