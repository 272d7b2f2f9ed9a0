package dev.reprise.fdsl.fault;

import dev.reprise.fdsl.model.DiskFillFault;
import dev.reprise.fdsl.model.FaultSpec;
import dev.reprise.fdsl.model.IoFault;
import dev.reprise.fdsl.model.MemoryFault;
import dev.reprise.fdsl.model.NetworkFault;
import dev.reprise.fdsl.model.PartitionFault;
import dev.reprise.fdsl.model.PauseFault;
import dev.reprise.fdsl.model.PeerIds;
import dev.reprise.fdsl.model.RestartFault;
import dev.reprise.fdsl.model.ServiceEvent;
import dev.reprise.fdsl.model.Target;
import dev.reprise.fdsl.parse.FaultParser;
import dev.reprise.fdsl.parse.ParseContext;
import dev.reprise.fdsl.parse.YamlReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The parsers of the network, partition, pause, restart, memory, disk_fill and io fault types
 * (their {@link FaultTypes} entries point here). Each reads every field, reports every problem at
 * its value and builds the record only when there was none.
 */
final class FaultParsers {
  static final List<String> NETWORK_KEYS = List.of("duration", "delay", "loss", "corrupt", "duplicate", "reorder", "rate", "to",
      "ports", "direction");
  static final List<String> NETWORK_EFFECTS = List.of("delay", "loss", "corrupt", "duplicate", "reorder", "rate");
  static final List<String> PARTITION_KEYS = List.of("duration", "peers", "direction");
  static final List<String> DISK_FILL_KEYS = List.of("duration", "path", "size", "percent");
  static final List<String> IO_KEYS = List.of("duration", "path", "mode", "workers", "size");

  private static final Map<String, NetworkFault.Direction> NETWORK_DIRECTIONS = words(NetworkFault.Direction.values());
  private static final Map<String, PartitionFault.Direction> PARTITION_DIRECTIONS = words(PartitionFault.Direction.values());
  private static final Map<String, IoFault.Mode> IO_MODES = words(IoFault.Mode.values());

  private FaultParsers() {}

  private static <E extends Enum<E>> Map<String, E> words(E[] values) {
    var m = new LinkedHashMap<String, E>();
    for (var v : values) m.put(v.name().toLowerCase(java.util.Locale.ROOT), v);
    return m;
  }

  static Optional<FaultParser.Parsed> network(YamlReader yaml, Node value, String path, ParseContext ctx) {
    var of = FaultFields.of(yaml, value, path, NETWORK_KEYS);
    if (of.isEmpty()) return Optional.empty();
    var f = of.get();
    Long duration = f.duration();
    NetworkFault.Delay delay = f.has("delay") ? delay(f, f.value("delay"), f.path("delay")) : null;
    NetworkFault.Loss loss = null;
    if (f.has("loss")) {
      var pc = percentWithCorrelation(f, f.value("loss"), f.path("loss"));
      if (pc != null) loss = new NetworkFault.Loss(pc[0], pc[1]);
    }
    Double corrupt = f.has("corrupt") ? f.percent(f.value("corrupt"), f.path("corrupt"), false) : null;
    Double duplicate = f.has("duplicate") ? f.percent(f.value("duplicate"), f.path("duplicate"), false) : null;
    NetworkFault.Reorder reorder = null;
    if (f.has("reorder")) {
      var pc = percentWithCorrelation(f, f.value("reorder"), f.path("reorder"));
      if (pc != null) reorder = new NetworkFault.Reorder(pc[0], pc[1]);
      if (!f.has("delay")) {
        f.problem(f.value("reorder"), "reorder", "needs a 'delay' (netem reorders by sending some packets at once, ahead of the delayed ones)");
      }
    }
    Long rate = f.has("rate") ? f.bitsPerSecond(f.value("rate"), f.path("rate")) : null;
    var toGroup = new LinkedHashMap<String, Target>();
    Map<String, PeerIds> to = f.has("to") ? f.containersByService("to", ctx, false, toGroup) : Map.of();
    List<Integer> ports = f.has("ports") ? f.distinctIntegers(f.value("ports"), f.path("ports"), 1, 65535, "port", null) : List.of();
    NetworkFault.Direction direction = f.has("direction")
        ? f.word(f.value("direction"), f.path("direction"), NETWORK_DIRECTIONS) : NetworkFault.Direction.EGRESS;
    if (NETWORK_EFFECTS.stream().noneMatch(f::has)) f.problem("give at least one of " + String.join(", ", NETWORK_EFFECTS));
    if (!f.ok()) return Optional.empty();
    var fault = new NetworkFault(duration, delay, loss, corrupt, duplicate, reorder, rate, to, ports, direction);
    return Optional.of(new FaultParser.Parsed(fault, to.isEmpty() ? Map.of() : Map.of(NetworkFault.TO_GROUP, toGroup)));
  }

  /** {@code 50ms}, or {@code {time: 50ms, jitter: 5ms, correlation: 25}}. */
  private static NetworkFault.Delay delay(FaultFields f, Node n, String at) {
    if (!(n instanceof MappingNode)) {
      Long time = f.micros(n, at, true);
      return time == null ? null : new NetworkFault.Delay(time, 0, 0);
    }
    var nested = FaultFields.of(f.yaml(), n, at, List.of("time", "jitter", "correlation"));
    if (nested.isEmpty()) {
      f.invalid();
      return null;
    }
    var d = nested.get();
    Long time = null;
    if (!d.has("time")) d.missing("time", "the mean delay, such as 50ms");
    else time = d.micros(d.value("time"), d.path("time"), true);
    Long jitter = d.has("jitter") ? d.micros(d.value("jitter"), d.path("jitter"), false) : Long.valueOf(0);
    Double correlation = d.has("correlation") ? d.percent(d.value("correlation"), d.path("correlation"), true) : Double.valueOf(0);
    if (!d.ok()) {
      f.invalid();
      return null;
    }
    return new NetworkFault.Delay(time, jitter, correlation);
  }

  /** {@code 10%} (or {@code 10}), or {@code {percent: 10, correlation: 25}}: {percent, correlation}. */
  private static double[] percentWithCorrelation(FaultFields f, Node n, String at) {
    if (!(n instanceof MappingNode)) {
      Double p = f.percent(n, at, false);
      return p == null ? null : new double[] {p, 0};
    }
    var nested = FaultFields.of(f.yaml(), n, at, List.of("percent", "correlation"));
    if (nested.isEmpty()) {
      f.invalid();
      return null;
    }
    var d = nested.get();
    Double percent = null;
    if (!d.has("percent")) d.missing("percent", "of packets, such as 10%");
    else percent = d.percent(d.value("percent"), d.path("percent"), false);
    Double correlation = d.has("correlation") ? d.percent(d.value("correlation"), d.path("correlation"), true) : Double.valueOf(0);
    if (!d.ok()) {
      f.invalid();
      return null;
    }
    return new double[] {percent, correlation};
  }

  static Optional<FaultParser.Parsed> partition(YamlReader yaml, Node value, String path, ParseContext ctx) {
    var of = FaultFields.of(yaml, value, path, PARTITION_KEYS);
    if (of.isEmpty()) return Optional.empty();
    var f = of.get();
    Long duration = f.duration();
    var peersGroup = new LinkedHashMap<String, Target>();
    Map<String, PeerIds> peers = Map.of();
    if (f.has("peers")) {
      peers = f.containersByService("peers", ctx, true, peersGroup);
    } else {
      peersGroup.put(ServiceEvent.Fault.EVERY_SERVICE, new Target.All(true, f.pos(), f.path("peers")));
    }
    PartitionFault.Direction direction = f.has("direction")
        ? f.word(f.value("direction"), f.path("direction"), PARTITION_DIRECTIONS) : PartitionFault.Direction.BOTH;
    if (!f.ok()) return Optional.empty();
    return Optional.of(new FaultParser.Parsed(new PartitionFault(duration, peers, direction), Map.of(PartitionFault.PEERS_GROUP, peersGroup)));
  }

  /** {@code pause: 10s} or {@code pause: {duration: 10s}}. */
  static Optional<FaultSpec> pause(YamlReader yaml, Node value, String path, ParseContext ctx) {
    if (!(value instanceof MappingNode)) {
      if (YamlReader.isNull(value)) {
        yaml.problem(YamlReader.pos(value), path + ": missing the duration (write pause: 10s, or pause: {duration: 10s})");
        return Optional.empty();
      }
      var d = yaml.millis(value, path);
      if (d.isPresent() && d.get() <= 0) {
        yaml.problem(YamlReader.pos(value), path + ": must be > 0");
        return Optional.empty();
      }
      return d.map(PauseFault::new);
    }
    var of = FaultFields.of(yaml, value, path, List.of("duration"));
    if (of.isEmpty()) return Optional.empty();
    Long duration = of.get().duration();
    return of.get().ok() ? Optional.of(new PauseFault(duration)) : Optional.empty();
  }

  /** {@code restart:}, or {@code restart: {duration: 5s, grace: 10s}} (both optional). */
  static Optional<FaultSpec> restart(YamlReader yaml, Node value, String path, ParseContext ctx) {
    if (YamlReader.isNull(value)) return Optional.of(new RestartFault(0, null));
    if (!(value instanceof MappingNode)) {
      yaml.problem(YamlReader.pos(value), path + ": expected nothing (restart:) or a mapping with 'duration' (the time stopped) and 'grace', got "
          + YamlReader.describe(value));
      return Optional.empty();
    }
    var of = FaultFields.of(yaml, value, path, List.of("duration", "grace"));
    if (of.isEmpty()) return Optional.empty();
    var f = of.get();
    Long down = f.has("duration") ? f.millis(f.value("duration"), f.path("duration"), false) : Long.valueOf(0);
    Long grace = f.has("grace") ? f.millis(f.value("grace"), f.path("grace"), false) : null;
    return f.ok() ? Optional.of(new RestartFault(down, grace)) : Optional.empty();
  }

  static Optional<FaultSpec> memory(YamlReader yaml, Node value, String path, ParseContext ctx) {
    var of = FaultFields.of(yaml, value, path, List.of("duration", "size", "rate"));
    if (of.isEmpty()) return Optional.empty();
    var f = of.get();
    Long duration = f.duration();
    Long size = null;
    if (!f.has("size")) f.missing("size", "how much memory to hold, such as 512MiB or 1GiB");
    else size = f.bytes(f.value("size"), f.path("size"));
    Long rate = f.has("rate") ? f.bytesPerSecond(f.value("rate"), f.path("rate")) : null;
    return f.ok() ? Optional.of(new MemoryFault(duration, size, rate)) : Optional.empty();
  }

  static Optional<FaultSpec> diskFill(YamlReader yaml, Node value, String path, ParseContext ctx) {
    var of = FaultFields.of(yaml, value, path, DISK_FILL_KEYS);
    if (of.isEmpty()) return Optional.empty();
    var f = of.get();
    Long duration = f.duration();
    String dir = f.absolutePath("path", "the directory inside the container to fill, such as /var/lib/cassandra");
    Long size = f.has("size") ? f.bytes(f.value("size"), f.path("size")) : null;
    Double percent = f.has("percent") ? f.percent(f.value("percent"), f.path("percent"), false) : null;
    if (f.has("size") && f.has("percent")) {
      f.problem(f.value("percent"), null, "give exactly one of size and percent; found both");
    } else if (!f.has("size") && !f.has("percent")) {
      f.missing("size' or 'percent", "how much to write, such as 1GiB, or how full the file system is to be, such as 90");
    }
    return f.ok() ? Optional.of(new DiskFillFault(duration, dir, size, percent)) : Optional.empty();
  }

  static Optional<FaultSpec> io(YamlReader yaml, Node value, String path, ParseContext ctx) {
    var of = FaultFields.of(yaml, value, path, IO_KEYS);
    if (of.isEmpty()) return Optional.empty();
    var f = of.get();
    Long duration = f.duration();
    String dir = f.absolutePath("path", "the directory inside the container to read and write in, such as /data");
    IoFault.Mode mode = f.has("mode") ? f.word(f.value("mode"), f.path("mode"), IO_MODES) : IoFault.Mode.READWRITE;
    Integer workers = f.has("workers") ? f.integer(f.value("workers"), f.path("workers"), 1, IoFault.MAX_WORKERS) : Integer.valueOf(1);
    Long size = f.has("size") ? f.bytes(f.value("size"), f.path("size")) : Long.valueOf(IoFault.DEFAULT_SIZE_BYTES);
    return f.ok() ? Optional.of(new IoFault(duration, dir, mode, workers, size)) : Optional.empty();
  }
}
