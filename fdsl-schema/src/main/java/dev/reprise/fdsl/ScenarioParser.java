package dev.reprise.fdsl;

import dev.reprise.fdsl.fault.FaultTypes;
import dev.reprise.fdsl.model.Environment;
import dev.reprise.fdsl.model.Moment;
import dev.reprise.fdsl.model.Scenario;
import dev.reprise.fdsl.model.ServiceEvent;
import dev.reprise.fdsl.model.ServiceEvents;
import dev.reprise.fdsl.model.Target;
import dev.reprise.fdsl.parse.FaultParser;
import dev.reprise.fdsl.parse.ParseContext;
import dev.reprise.fdsl.parse.ExpectParser;
import dev.reprise.fdsl.parse.SafetyParser;
import dev.reprise.fdsl.parse.YamlReader;
import dev.reprise.fdsl.source.InputLimits;
import dev.reprise.fdsl.source.Problem;
import dev.reprise.fdsl.source.Problems;
import dev.reprise.fdsl.source.SourcePos;
import dev.reprise.fdsl.source.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/**
 * FDSL text → {@link Scenario}, checking structure and ranges (FaultSee's files are accepted
 * unchanged). Every problem found is returned, each at the position of the value at fault and
 * naming its YAML path. Checks that need the alive sets (does container 3 exist at 20 s?) are the
 * planner's. Pure: no I/O beyond what {@link ParseContext} answers. Stateless.
 */
public final class ScenarioParser {
  static final List<String> ROOT_KEYS = List.of("environment", "events");
  static final List<String> ENVIRONMENT_KEYS = java.util.stream.Stream.concat(java.util.stream.Stream.of("seed", "ntp_server", "ntp_resync",
      "compose", "safety", "grafana", "faults", "restart"), ExpectParser.ENVIRONMENT_KEYS.stream()).toList();
  static final List<String> EVENT_KINDS = List.of("beginning", "end", "moment");
  static final List<String> MOMENT_KEYS = List.of("time", "when", "mark", "services");
  static final List<String> SERVICE_EVENT_KINDS = List.of("start", "stop", "fault");
  static final List<String> TARGET_KEYS = List.of("amount", "percentage", "specific");

  /** The outcome of a parse: the scenario when there was no problem, and every problem found. */
  public record Result(Optional<Scenario> scenario, List<Problem> problems) {}

  private ScenarioParser() {}

  /** {@code environment.compose} as written, and where. */
  public record ComposeHint(String path, SourcePos pos) {}

  /**
   * A scenario text composed into its YAML tree once, so that the hints and the full parse read the
   * same tree instead of composing the text again each (a 10,000-moment file took a second per
   * compose). Holds the syntax problems found composing; {@link #parse(Composed, ParseContext)}
   * reports them. Immutable.
   */
  public static final class Composed {
    private final Node root;
    private final List<Problem> problems;

    private Composed(Node root, List<Problem> problems) {
      this.root = root;
      this.problems = problems;
    }
  }

  /** Composes {@code text} (syntax problems are kept for {@link #parse(Composed, ParseContext)}). */
  public static Composed compose(String text) {
    var problems = new Problems();
    var root = new YamlReader(problems).compose(text);
    return new Composed(root.orElse(null), problems.list());
  }

  /** Parses only far enough to read {@code environment.compose}; problems are ignored (a full parse reports them). */
  public static Optional<ComposeHint> composeHint(String text) {
    return composeHint(compose(text));
  }

  /** {@link #composeHint(String)} of an already composed text. */
  public static Optional<ComposeHint> composeHint(Composed composed) {
    return environmentString(composed, "compose").map(c -> new ComposeHint(c.getKey(), c.getValue()));
  }

  /** {@code environment.faults} as written, and where. */
  public record FaultsHint(String path, SourcePos pos) {}

  /** Parses only far enough to read {@code environment.faults}; problems are ignored (a full parse reports them). */
  public static Optional<FaultsHint> faultsHint(String text) {
    return faultsHint(compose(text));
  }

  /** {@link #faultsHint(String)} of an already composed text. */
  public static Optional<FaultsHint> faultsHint(Composed composed) {
    return environmentString(composed, "faults").map(c -> new FaultsHint(c.getKey(), c.getValue()));
  }

  /** {@code environment.KEY} as text with its position; problems are ignored (a full parse reports them). */
  private static Optional<Map.Entry<String, SourcePos>> environmentString(Composed composed, String key) {
    if (composed.root == null) return Optional.empty();
    var yaml = new YamlReader(new Problems());
    return yaml.mapping(composed.root, "")
        .map(m -> m.get("environment"))
        .flatMap(env -> yaml.mapping(env.value(), "environment"))
        .map(m -> m.get(key))
        .flatMap(c -> yaml.string(c.value(), "environment." + key).map(v -> Map.entry(v, YamlReader.pos(c.value()))));
  }

  public static Result parse(String text, ParseContext context) {
    return parse(compose(text), context);
  }

  /** {@link #parse(String, ParseContext)} of an already composed text: its syntax problems first, then the rest. */
  public static Result parse(Composed composed, ParseContext context) {
    var problems = new Problems();
    composed.problems.forEach(p -> problems.add(p.pos(), p.message()));
    var yaml = new YamlReader(problems);
    var scenario = Optional.ofNullable(composed.root).flatMap(root -> new Run(yaml, context).scenario(root));
    return new Result(problems.isEmpty() ? scenario : Optional.empty(), problems.list());
  }

  /** One parse's state. */
  private static final class Run {
    private final YamlReader yaml;
    private final ParseContext context;
    private final SafetyParser safety;
    private final dev.reprise.fdsl.parse.TriggerParser triggers;

    Run(YamlReader yaml, ParseContext context) {
      this.yaml = yaml;
      this.context = context;
      this.safety = new SafetyParser(yaml);
      this.triggers = new dev.reprise.fdsl.parse.TriggerParser(yaml);
    }

    Optional<Scenario> scenario(Node root) {
      var top = yaml.mapping(root, "the scenario");
      if (top.isEmpty()) return Optional.empty();
      yaml.rejectUnknownKeys(top.get(), "", ROOT_KEYS);
      Environment env = environment(top.get().get("environment"));
      var events = top.get().get("events");
      if (events == null) {
        yaml.problem(YamlReader.pos(root), "events: missing (a list with one 'beginning', one 'end' and any number of 'moment')");
        return Optional.empty();
      }
      var items = yaml.sequence(events.value(), "events");
      if (items.isEmpty()) return Optional.empty();

      Map<String, Integer> beginning = null;
      Map<String, SourcePos> beginningPositions = Map.of();
      SourcePos beginningPos = null;
      Long end = null;
      SourcePos endPos = null;
      var moments = new ArrayList<Moment>();
      boolean complete = true;
      for (int i = 0; i < items.get().size(); i++) {
        String path = "events[" + i + "]";
        Node item = items.get().get(i);
        var m = yaml.mapping(item, path);
        if (m.isEmpty()) {
          complete = false;
          continue;
        }
        var entries = m.get();
        if (entries.size() != 1) {
          yaml.problem(YamlReader.pos(item), path + ": each event is exactly one of beginning, end, moment; found "
              + (entries.isEmpty() ? "none" : String.join(", ", entries.keySet())));
          complete = false;
          continue;
        }
        var entry = entries.values().iterator().next();
        String kindPath = path + "." + entry.key();
        switch (entry.key()) {
          case "beginning" -> {
            if (beginningPos != null) {
              yaml.problem(entry.keyPos(), kindPath + ": a second 'beginning' (the first is at line " + beginningPos.line() + "); there must be exactly one");
              complete = false;
            } else {
              beginningPos = entry.keyPos();
              var positions = new LinkedHashMap<String, SourcePos>();
              beginning = beginning(entry.value(), kindPath, positions);
              beginningPositions = positions;
              complete &= beginning != null;
            }
          }
          case "end" -> {
            if (endPos != null) {
              yaml.problem(entry.keyPos(), kindPath + ": a second 'end' (the first is at line " + endPos.line() + "); there must be exactly one");
              complete = false;
            } else {
              endPos = YamlReader.pos(entry.value());
              end = yaml.millis(entry.value(), kindPath).orElse(null);
              complete &= end != null;
            }
          }
          case "moment" -> {
            var moment = moment(entry.value(), kindPath, moments.size(), entry.keyPos());
            if (moment.isPresent()) moments.add(moment.get()); else complete = false;
          }
          default -> {
            yaml.problem(entry.keyPos(), path + ": unknown event '" + entry.key() + "'"
                + Suggestions.closest(entry.key(), EVENT_KINDS).map(s -> " (did you mean '" + s + "'?)")
                    .orElse(" (expected beginning, end or moment)"));
            complete = false;
          }
        }
      }
      if (beginningPos == null) {
        yaml.problem(events.keyPos(), "events: missing 'beginning' (the containers of each service at the start)");
        complete = false;
      }
      if (endPos == null) {
        yaml.problem(events.keyPos(), "events: missing 'end' (the second at which the experiment ends)");
        complete = false;
      }
      if (end != null) {
        for (Moment moment : moments) {
          if (moment.timeMillis() > end) {
            yaml.problem(moment.pos(), "events: the moment at " + seconds(moment.timeMillis()) + " is after the end at "
                + seconds(end) + " (line " + endPos.line() + ")");
            complete = false;
          }
          if (moment.triggered() && moment.timeMillis() + moment.trigger().timeoutMillis() > end) {
            yaml.problem(moment.trigger().pos(), "events: this moment may wait until " + seconds(moment.timeMillis()
                + moment.trigger().timeoutMillis()) + " (" + (moment.timeMillis() == 0 ? "" : seconds(moment.timeMillis()) + " + ")
                + "timeout " + seconds(moment.trigger().timeoutMillis()) + "), after the end at " + seconds(end)
                + " (line " + endPos.line() + "); shorten the timeout or move the end");
            complete = false;
          }
        }
      }
      if (context.composeServices() != null && beginning != null) {
        for (var e : beginningPositions.entrySet()) {
          checkService(e.getKey(), e.getValue(), "events.beginning");
        }
      }
      for (var ref : safety.services()) {
        complete &= checkScenarioService(ref, beginning, moments);
      }
      for (var ref : triggers.services()) {
        complete &= checkScenarioService(ref, beginning, moments);
      }
      if (!complete || env == null) return Optional.empty();
      return Optional.of(new Scenario(env, beginning, beginningPositions, end, moments));
    }

    private Environment environment(YamlReader.Entry entry) {
      if (entry == null || YamlReader.isNull(entry.value())) return Environment.defaults();
      var m = yaml.mapping(entry.value(), "environment");
      if (m.isEmpty()) return null;
      yaml.rejectUnknownKeys(m.get(), "environment", ENVIRONMENT_KEYS);
      long seed = Environment.DEFAULT_SEED;
      boolean ok = true;
      if (m.get().containsKey("seed")) {
        var s = yaml.integer(m.get().get("seed").value(), "environment.seed", Long.MIN_VALUE, Long.MAX_VALUE);
        ok &= s.isPresent();
        seed = s.orElse(seed);
      }
      String ntp = null;
      if (m.get().containsKey("ntp_server") && !YamlReader.isNull(m.get().get("ntp_server").value())) {
        Node n = m.get().get("ntp_server").value();
        ntp = yaml.string(n, "environment.ntp_server").orElse(null);
        boolean text = n instanceof org.yaml.snakeyaml.nodes.ScalarNode s && s.getTag().equals(org.yaml.snakeyaml.nodes.Tag.STR);
        if (ntp != null && (!text || !isHostOrAddress(ntp.strip()))) {
          yaml.problem(YamlReader.pos(n), "environment.ntp_server: '" + ntp + "' is not a host name or IP address, with an optional port (write e.g. pool.ntp.org, 10.0.0.1 or 10.0.0.1:123)");
          ntp = null;
        }
        ok &= ntp != null;
      }
      long resync = Environment.DEFAULT_NTP_RESYNC_MILLIS;
      if (m.get().containsKey("ntp_resync")) {
        Node n = m.get().get("ntp_resync").value();
        var r = yaml.millis(n, "environment.ntp_resync");
        if (r.isPresent() && r.get() != 0 && r.get() < Environment.MIN_NTP_RESYNC_MILLIS) {
          yaml.problem(YamlReader.pos(n), "environment.ntp_resync: must be 0 (measure only at arm) or at least 1s");
          r = Optional.empty();
        } else if (r.isPresent() && ntp == null && ok) {
          yaml.problem(YamlReader.pos(n), "environment.ntp_resync: there is no ntp_server to re-measure against (add one, or remove ntp_resync)");
          r = Optional.empty();
        }
        ok &= r.isPresent();
        resync = r.orElse(resync);
      }
      String compose = null;
      if (m.get().containsKey("compose")) {
        compose = yaml.string(m.get().get("compose").value(), "environment.compose").orElse(null);
        ok &= compose != null;
      }
      String faults = null;
      if (m.get().containsKey("faults")) {
        Node n = m.get().get("faults").value();
        faults = yaml.string(n, "environment.faults").orElse(null);
        if (faults != null && faults.isBlank()) {
          yaml.problem(YamlReader.pos(n), "environment.faults: must name a folder (relative to the scenario's folder)");
          faults = null;
        }
        ok &= faults != null;
      }
      Environment.Restart restart = Environment.Restart.NONE;
      if (m.get().containsKey("restart")) {
        Node n = m.get().get("restart").value();
        var r = yaml.string(n, "environment.restart");
        if (r.isPresent() && r.get().equals("keep")) {
          restart = Environment.Restart.KEEP;
        } else if (r.isPresent() && !r.get().equals("none")) {
          yaml.problem(YamlReader.pos(n), "environment.restart: '" + r.get()
              + "' is not one of none (the default: killed containers stay dead), keep (the compose file's deploy.restart_policy)");
          ok = false;
        } else {
          ok &= r.isPresent();
        }
      }
      var safetySection = safety.safety(m.get().get("safety"));
      var grafana = safety.grafana(m.get().get("grafana"));
      ok &= safetySection.isPresent() && grafana.isPresent();
      var expectations = new ExpectParser(yaml).expectations(m.get().get("expect"), m.get().get("baseline"));
      ok &= expectations.isPresent();
      return ok ? new Environment(seed, ntp, compose, resync, safetySection.get(), grafana.get().orElse(null), faults, restart,
          expectations.get()) : null;
    }

    /**
     * A service named in {@code environment.safety}: one of the compose file's when it was read, else
     * one the events name (beginning or a moment).
     */
    private boolean checkScenarioService(SafetyParser.ServiceRef ref, Map<String, Integer> beginning, List<Moment> moments) {
      if (context.composeServices() != null) return checkService(ref.service(), ref.pos(), ref.path());
      if (beginning == null) return true; // the beginning's own problem is reported
      var known = new java.util.LinkedHashSet<>(beginning.keySet());
      moments.forEach(m -> m.services().forEach(se -> known.add(se.service())));
      if (known.contains(ref.service())) return true;
      yaml.problem(ref.pos(), ref.path() + ": the scenario has no service '" + ref.service() + "'"
          + Suggestions.closest(ref.service(), known).map(s -> " (did you mean '" + s + "'?)")
              .orElse(" (its services: " + String.join(", ", known) + ")"));
      return false;
    }

    private Map<String, Integer> beginning(Node node, String path, Map<String, SourcePos> positions) {
      var m = yaml.mapping(node, path);
      if (m.isEmpty()) return null;
      var counts = new LinkedHashMap<String, Integer>();
      boolean ok = true;
      for (var e : m.get().values()) {
        var n = yaml.integer(e.value(), path + "." + e.key(), 0, InputLimits.MAX_CONTAINERS_PER_SERVICE);
        if (n.isPresent()) {
          counts.put(e.key(), n.get().intValue());
          positions.put(e.key(), e.keyPos());
        } else {
          ok = false;
        }
      }
      return ok ? counts : null;
    }

    private Optional<Moment> moment(Node node, String path, int fileIndex, SourcePos keyPos) {
      var m = yaml.mapping(node, path);
      if (m.isEmpty()) return Optional.empty();
      var e = m.get();
      yaml.rejectUnknownKeys(e, path, MOMENT_KEYS);
      boolean ok = true;
      Long time = null;
      dev.reprise.fdsl.model.Trigger trigger = null;
      if (e.containsKey("when")) {
        trigger = triggers.trigger(e.get("when"), path).orElse(null);
        ok &= trigger != null;
        if (!e.containsKey("time")) time = 0L;
      }
      if (!e.containsKey("time") && !e.containsKey("when")) {
        yaml.problem(keyPos, path + ": missing 'time' (the second, after the start, at which the moment happens)"
            + " or 'when' (the state that fires it)");
        ok = false;
      } else if (e.containsKey("time")) {
        time = yaml.millis(e.get("time").value(), path + ".time").orElse(null);
        ok &= time != null;
      }
      String mark = null;
      if (e.containsKey("mark")) {
        mark = yaml.string(e.get("mark").value(), path + ".mark").orElse(null);
        ok &= mark != null;
      }
      var services = new ArrayList<ServiceEvents>();
      if (e.containsKey("services")) {
        var sm = yaml.mapping(e.get("services").value(), path + ".services");
        if (sm.isEmpty()) {
          ok = false;
        } else if (sm.get().isEmpty()) {
          yaml.problem(e.get("services").keyPos(), path + ".services: empty; name at least one service with its events");
          ok = false;
        } else {
          for (var se : sm.get().values()) {
            var events = serviceEvents(se, path + ".services." + se.key());
            if (events.isPresent()) services.add(events.get()); else ok = false;
          }
        }
      }
      if (!e.containsKey("mark") && !e.containsKey("services")) {
        yaml.problem(keyPos, path + ": a moment needs a 'mark', 'services', or both");
        ok = false;
      }
      if (!ok) return Optional.empty();
      return Optional.of(new Moment(fileIndex, time, mark, services, keyPos, trigger));
    }

    private Optional<ServiceEvents> serviceEvents(YamlReader.Entry service, String path) {
      boolean ok = checkService(service.key(), service.keyPos(), path);
      var items = yaml.sequence(service.value(), path);
      if (items.isEmpty()) return Optional.empty();
      if (items.get().isEmpty()) {
        yaml.problem(service.keyPos(), path + ": empty list; give at least one start, stop or fault");
        return Optional.empty();
      }
      var events = new ArrayList<ServiceEvent>();
      for (int i = 0; i < items.get().size(); i++) {
        var event = serviceEvent(items.get().get(i), path + "[" + i + "]");
        if (event.isPresent()) events.add(event.get()); else ok = false;
      }
      return ok ? Optional.of(new ServiceEvents(service.key(), events, service.keyPos())) : Optional.empty();
    }

    private boolean checkService(String service, SourcePos pos, String path) {
      if (context.composeServices() == null || context.composeServices().contains(service)) return true;
      yaml.problem(pos, path + ": service '" + service + "' is not in the compose file"
          + Suggestions.closest(service, context.composeServices()).map(s -> " (did you mean '" + s + "'?)")
              .orElse(context.composeServices().isEmpty() ? " (it defines no services)"
                  : " (it defines: " + String.join(", ", context.composeServices()) + ")"));
      return false;
    }

    private Optional<ServiceEvent> serviceEvent(Node node, String path) {
      var m = yaml.mapping(node, path);
      if (m.isEmpty()) return Optional.empty();
      var e = m.get();
      if (e.size() != 1) {
        yaml.problem(YamlReader.pos(node), path + ": each service event is exactly one of start, stop, fault; found "
            + (e.isEmpty() ? "none" : String.join(", ", e.keySet())));
        return Optional.empty();
      }
      var entry = e.values().iterator().next();
      String kindPath = path + "." + entry.key();
      return switch (entry.key()) {
        case "start" -> targetBlock(entry, kindPath, List.of("amount", "percentage"), InputLimits.MAX_START_PERCENT)
            .map(t -> new ServiceEvent.Start(t, entry.keyPos()));
        case "stop" -> targetBlock(entry, kindPath, TARGET_KEYS, 100)
            .map(t -> new ServiceEvent.Stop(t, entry.keyPos()));
        case "fault" -> fault(entry, kindPath);
        default -> {
          yaml.problem(entry.keyPos(), path + ": unknown service event '" + entry.key() + "'"
              + Suggestions.closest(entry.key(), SERVICE_EVENT_KINDS).map(s -> " (did you mean '" + s + "'?)")
                  .orElse(" (expected start, stop or fault)"));
          yield Optional.empty();
        }
      };
    }

    /** A mapping holding exactly one of {@code allowed} target keys. */
    private Optional<Target> targetBlock(YamlReader.Entry entry, String path, List<String> allowed, int maxPercent) {
      var m = yaml.mapping(entry.value(), path);
      if (m.isEmpty()) return Optional.empty();
      yaml.rejectUnknownKeys(m.get(), path, allowed);
      var present = m.get().values().stream().filter(e -> allowed.contains(e.key())).toList();
      if (present.size() != 1) {
        yaml.problem(entry.keyPos(), path + ": give exactly one of " + String.join(", ", allowed)
            + (present.isEmpty() ? "" : "; found " + String.join(" and ", present.stream().map(YamlReader.Entry::key).toList())));
        return Optional.empty();
      }
      var t = present.get(0);
      String tPath = path + "." + t.key();
      SourcePos pos = YamlReader.pos(t.value());
      return switch (t.key()) {
        case "amount" -> yaml.integer(t.value(), tPath, 0, InputLimits.MAX_CONTAINERS_PER_SERVICE).map(n -> new Target.Amount(n.intValue(), pos, tPath));
        case "percentage" -> yaml.integer(t.value(), tPath, 0, maxPercent).map(n -> new Target.Percentage(n.intValue(), pos, tPath));
        default -> specific(t.value(), tPath);
      };
    }

    private Optional<Target> specific(Node node, String path) {
      var items = yaml.sequence(node, path);
      if (items.isEmpty()) return Optional.empty();
      if (items.get().isEmpty()) {
        yaml.problem(YamlReader.pos(node), path + ": empty list; name at least one container ID");
        return Optional.empty();
      }
      var ids = new ArrayList<Integer>();
      var positions = new ArrayList<SourcePos>();
      var seen = new java.util.HashSet<Integer>(); // a list's contains() made 100,000 IDs take half a minute
      boolean ok = true;
      for (int i = 0; i < items.get().size(); i++) {
        Node item = items.get().get(i);
        var id = yaml.integer(item, path + "[" + i + "]", 0, InputLimits.MAX_CONTAINER_ID);
        if (id.isEmpty()) {
          ok = false;
        } else if (!seen.add(id.get().intValue())) {
          yaml.problem(YamlReader.pos(item), path + "[" + i + "]: container " + id.get() + " is listed twice");
          ok = false;
        } else {
          ids.add(id.get().intValue());
          positions.add(YamlReader.pos(item));
        }
      }
      return ok ? Optional.of(new Target.Specific(ids, positions, YamlReader.pos(node), path)) : Optional.empty();
    }

    private Optional<ServiceEvent> fault(YamlReader.Entry entry, String path) {
      var m = yaml.mapping(entry.value(), path);
      if (m.isEmpty()) return Optional.empty();
      var e = m.get();
      Optional<Target> target = Optional.empty();
      boolean ok = true;
      if (!e.containsKey("target")) {
        yaml.problem(entry.keyPos(), path + ": missing 'target' (amount, percentage or specific)");
        ok = false;
      } else {
        target = targetBlock(e.get("target"), path + ".target", TARGET_KEYS, 100);
        ok &= target.isPresent();
      }
      var types = e.values().stream().filter(x -> !x.key().equals("target")).toList();
      Optional<FaultParser.Parsed> fault = Optional.empty();
      if (types.isEmpty()) {
        yaml.problem(entry.keyPos(), path + ": missing the fault type (one of: " + String.join(", ", FaultTypes.names()) + ")");
        ok = false;
      } else {
        for (var type : types) {
          if (FaultTypes.byName(type.key()).isEmpty()) {
            yaml.problem(type.keyPos(), path + ": unknown fault type '" + type.key() + "'"
                + Suggestions.closest(type.key(), FaultTypes.names()).map(s -> " (did you mean '" + s + "'?)")
                    .orElse(" (expected one of: " + String.join(", ", FaultTypes.names()) + ")"));
            ok = false;
          }
        }
        if (types.size() > 1) {
          yaml.problem(types.get(1).keyPos(), path + ": one fault type per fault; found "
              + String.join(" and ", types.stream().map(YamlReader.Entry::key).toList()) + " (write two fault events)");
          ok = false;
        } else if (ok || FaultTypes.byName(types.get(0).key()).isPresent()) {
          var type = types.get(0);
          var registered = FaultTypes.byName(type.key());
          if (registered.isPresent()) {
            fault = registered.get().parser().parse(yaml, type.value(), path + "." + type.key(), context);
            ok &= fault.isPresent();
          }
        }
      }
      if (!ok) return Optional.empty();
      return Optional.of(new ServiceEvent.Fault(target.get(), fault.get().fault(), fault.get().groups(), entry.keyPos()));
    }
  }

  private static final java.util.regex.Pattern HOST_NAME =
      java.util.regex.Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
  private static final java.util.regex.Pattern IPV4 =
      java.util.regex.Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** A DNS host name (letters, digits, '-' inside labels, labels joined by '.'), an IPv4 or an IPv6 address. */
  static boolean isHostOrAddress(String s) {
    // an optional port, as the agents' NTP client takes it: host:port, v4:port, [v6]:port
    var bracketed = java.util.regex.Pattern.compile("\\[([^\\]]+)\\]:(\\d{1,5})").matcher(s);
    if (bracketed.matches()) return validPort(bracketed.group(2)) && isHostOrAddress(bracketed.group(1));
    int colon = s.lastIndexOf(':');
    if (colon > 0 && s.indexOf(':') == colon) {
      return validPort(s.substring(colon + 1)) && isHostOrAddress(s.substring(0, colon));
    }
    if (IPV6.matcher(s).matches()) {
      try {
        return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address; // a literal: no lookup
      } catch (java.net.UnknownHostException e) {
        return false;
      }
    }
    if (s.matches("[\\d.]+")) return IPV4.matcher(s).matches();
    return HOST_NAME.matcher(s).matches();
  }

  private static boolean validPort(String p) {
    if (!p.matches("\\d{1,5}")) return false;
    int port = Integer.parseInt(p);
    return port >= 1 && port <= 65535;
  }

  static String seconds(long millis) {
    return millis % 1000 == 0 ? (millis / 1000) + "s" : String.format(java.util.Locale.ROOT, "%.3fs", millis / 1000.0);
  }
}
