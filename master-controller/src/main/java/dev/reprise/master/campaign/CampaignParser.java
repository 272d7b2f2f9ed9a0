package dev.reprise.master.campaign;

import dev.reprise.fdsl.Diagnostic;
import dev.reprise.fdsl.InputFiles;
import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.parse.YamlReader;
import dev.reprise.fdsl.source.Problem;
import dev.reprise.fdsl.source.Problems;
import dev.reprise.fdsl.source.SourcePos;
import dev.reprise.fdsl.source.Suggestions;
import dev.reprise.master.run.RunFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads and checks a campaign file, reporting every problem at once as {@code FILE:LINE:COL: message}
 * ({@link ScenarioException}, printed like a scenario's problems; exit 2). The rules:
 *
 * <ul>
 *   <li>top level: {@link #TOP_KEYS}; {@code groups} is required and not empty; unknown keys are
 *       refused with a "did you mean";
 *   <li>a group: {@link #GROUP_KEYS}; {@code name} and {@code scenario} required, names unique and
 *       made of letters, digits, {@code -} and {@code _} (they name run keys and folders);
 *   <li>{@code scenario} and a baseline scenario are paths relative to the campaign file's folder and
 *       must be files; every {@code ${name}} in them must be a matrix parameter of the group (the
 *       problem is at the use, in the scenario file, and lists the known names);
 *   <li>{@code repetitions}: 1 to {@value #MAX_REPETITIONS} (default: the number of listed seeds, else 1);
 *   <li>{@code seeds}: a list of integers (one per repetition: their count must equal
 *       {@code repetitions} when both are given) or {@code {from: N, count: K}}; absent: the scenario's
 *       seed + the repetition index;
 *   <li>{@code matrix}: parameter → a non-empty list of distinct scalars without line breaks;
 *   <li>{@code compose_env}: variable → scalar, where {@code ${param}} must be a matrix parameter;
 *   <li>{@code baseline}: {@code faults-off} or a scenario path;
 *   <li>{@code cooldown} (top level or group), {@code time_budget} (top level): durations
 *       ({@code 10s}, {@code 1m30s}, {@code 8h}) or seconds; {@code on_failure} (top level or
 *       group): {@code continue} (default) or {@code stop};
 *   <li>the expansion is at most {@value #MAX_RUNS} runs.
 * </ul>
 */
public final class CampaignParser {
  public static final List<String> TOP_KEYS = List.of("name", "out", "groups", "cooldown", "time_budget", "on_failure");
  public static final List<String> GROUP_KEYS =
      List.of("name", "scenario", "repetitions", "seeds", "matrix", "compose_env", "baseline", "cooldown", "on_failure");
  public static final List<String> SEEDS_KEYS = List.of("from", "count");
  static final int MAX_REPETITIONS = 10_000;
  static final int MAX_RUNS = 100_000;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
  private static final List<String> ON_FAILURE = List.of("continue", "stop");

  private CampaignParser() {}

  /** Reads {@code file} and checks it and the scenarios it names. */
  public static CampaignFile parse(Path file) throws ScenarioException {
    var diagnostics = new ArrayList<Diagnostic>();
    String text = InputFiles.read(file, "campaign file", diagnostics);
    if (text == null) throw new ScenarioException(diagnostics);
    return parse(file, text);
  }

  /** Checks {@code text} as the content of {@code file} (scenario paths resolve against {@code file}'s folder). */
  public static CampaignFile parse(Path file, String text) throws ScenarioException {
    var problems = new Problems();
    var other = new ArrayList<Diagnostic>(); // in scenario files
    var yaml = new YamlReader(problems);
    CampaignFile result = null;
    var root = yaml.compose(text);
    if (root.isPresent()) result = campaign(file, text, root.get(), yaml, problems, other);
    var all = new ArrayList<Diagnostic>();
    for (Problem p : problems.list()) all.add(new Diagnostic(file, p.pos().line(), p.pos().column(), p.message()));
    all.addAll(other);
    if (!all.isEmpty() || result == null) throw new ScenarioException(all.isEmpty()
        ? List.of(new Diagnostic(file, 1, 1, "not a campaign file")) : all);
    return result;
  }

  private static CampaignFile campaign(Path file, String text, Node root, YamlReader yaml, Problems problems,
      List<Diagnostic> other) {
    var entries = yaml.mapping(root, "campaign");
    if (entries.isEmpty()) return null;
    var top = entries.get();
    yaml.rejectUnknownKeys(top, "", TOP_KEYS);
    String name = optionalName(yaml, top.get("name"), "name").orElse(RunFolders.defaultName(file));
    if (top.get("name") == null && !NAME.matcher(name).matches()) name = RunFolders.sanitize(name);
    Path dir = file.toAbsolutePath().getParent();
    Path out = null;
    if (top.containsKey("out")) out = yaml.string(top.get("out").value(), "out").map(dir::resolve).orElse(null);
    long cooldown = duration(yaml, top.get("cooldown"), "cooldown").orElse(0L);
    long budget = duration(yaml, top.get("time_budget"), "time_budget").orElse(0L);
    var onFailure = onFailure(yaml, top.get("on_failure"), "on_failure").orElse(CampaignFile.OnFailure.CONTINUE);

    var groups = new ArrayList<CampaignFile.Group>();
    var groupsEntry = top.get("groups");
    if (groupsEntry == null) {
      yaml.problem(SourcePos.NONE, "groups: missing; a campaign lists its groups of runs (groups: [{name: ..., scenario: ...}])");
      return null;
    }
    var items = yaml.sequence(groupsEntry.value(), "groups");
    if (items.isEmpty()) return null;
    if (items.get().isEmpty()) {
      yaml.problem(YamlReader.pos(groupsEntry.value()), "groups: empty; a campaign needs at least one group");
      return null;
    }
    var names = new HashMap<String, SourcePos>();
    boolean ok = true;
    long runs = 0;
    for (int i = 0; i < items.get().size(); i++) {
      var g = group(dir, items.get().get(i), "groups[" + i + "]", yaml, problems, other, cooldown, onFailure, names);
      if (g.isEmpty()) {
        ok = false;
        continue;
      }
      groups.add(g.get());
      runs += CampaignExpansion.count(g.get());
    }
    if (ok && runs > MAX_RUNS) {
      yaml.problem(YamlReader.pos(groupsEntry.value()), "groups: expand to " + runs + " runs; the limit is " + MAX_RUNS);
      return null;
    }
    return ok ? new CampaignFile(file, text, name, out, cooldown, budget, onFailure, groups) : null;
  }

  private static Optional<CampaignFile.Group> group(Path dir, Node node, String path, YamlReader yaml, Problems problems,
      List<Diagnostic> other,
      long campaignCooldown, CampaignFile.OnFailure campaignOnFailure, Map<String, SourcePos> names) {
    var entries = yaml.mapping(node, path);
    if (entries.isEmpty()) return Optional.empty();
    var e = entries.get();
    int before = problems.list().size() + other.size();
    yaml.rejectUnknownKeys(e, path, GROUP_KEYS);
    String name = null;
    if (e.get("name") == null) yaml.problem(YamlReader.pos(node), path + ".name: missing; every group has a name (it starts its runs' keys)");
    else {
      name = optionalName(yaml, e.get("name"), path + ".name").orElse(null);
      if (name != null && names.containsKey(name)) {
        yaml.problem(YamlReader.pos(e.get("name").value()), path + ".name: '" + name + "' is already a group's name (line "
            + names.get(name).line() + "); group names are unique");
        name = null;
      } else if (name != null) {
        names.put(name, YamlReader.pos(e.get("name").value()));
      }
    }
    Path scenario = null;
    String scenarioText = null;
    String scenarioAsWritten = null;
    if (e.get("scenario") == null) yaml.problem(YamlReader.pos(node), path + ".scenario: missing; name the group's scenario file");
    else {
      scenarioAsWritten = yaml.string(e.get("scenario").value(), path + ".scenario").orElse(null);
      if (scenarioAsWritten != null) {
        scenario = dir.resolve(scenarioAsWritten).normalize();
        scenarioText = scenarioFile(yaml, e.get("scenario").value(), path + ".scenario", scenario, other);
        if (scenarioText == null) scenario = null;
      }
    }

    // matrix first: the scenario and compose_env are checked against its names
    var matrix = new LinkedHashMap<String, List<String>>();
    if (e.containsKey("matrix")) matrix(yaml, e.get("matrix").value(), path + ".matrix", matrix);

    var seedsAndReps = seeds(yaml, e, path);
    var composeEnv = new LinkedHashMap<String, String>();
    if (e.containsKey("compose_env")) composeEnv(yaml, e.get("compose_env").value(), path + ".compose_env", matrix.keySet(), composeEnv);

    Path baseline = null;
    String baselineText = null;
    if (e.containsKey("baseline")) {
      var b = yaml.string(e.get("baseline").value(), path + ".baseline");
      if (b.isPresent()) {
        baselineText = b.get();
        if (!b.get().equals(CampaignFile.Group.FAULTS_OFF)) {
          baseline = dir.resolve(b.get()).normalize();
          if (!Files.exists(baseline) && !b.get().contains("/") && !b.get().contains(".")) {
            yaml.problem(YamlReader.pos(e.get("baseline").value()), path + ".baseline: '" + b.get() + "' is neither "
                + CampaignFile.Group.FAULTS_OFF + " nor a scenario file" + Suggestions.didYouMean(b.get(), List.of(CampaignFile.Group.FAULTS_OFF)));
            baseline = null;
          } else {
            String bt = scenarioFile(yaml, e.get("baseline").value(), path + ".baseline", baseline, other);
            if (bt == null) baseline = null;
            else checkUses(baseline, bt, matrix.keySet(), groupLabel(name, path), other);
          }
        }
      }
    }
    if (scenarioText != null) checkUses(scenario, scenarioText, matrix.keySet(), groupLabel(name, path), other);
    long cooldown = duration(yaml, e.get("cooldown"), path + ".cooldown").orElse(campaignCooldown);
    var onFailure = onFailure(yaml, e.get("on_failure"), path + ".on_failure").orElse(campaignOnFailure);
    if (problems.list().size() + other.size() > before || name == null || scenario == null || seedsAndReps == null) return Optional.empty();
    if (baselineText != null && !baselineText.equals(CampaignFile.Group.FAULTS_OFF) && baseline == null) return Optional.empty();
    return Optional.of(new CampaignFile.Group(name, scenario, scenarioAsWritten, seedsAndReps.repetitions, seedsAndReps.seeds,
        matrix, composeEnv, baseline, baselineText, cooldown, onFailure));
  }

  private record SeedsAndRepetitions(CampaignFile.Seeds seeds, int repetitions) {}

  private static SeedsAndRepetitions seeds(YamlReader yaml, Map<String, YamlReader.Entry> e, String path) {
    Integer repetitions = null;
    if (e.containsKey("repetitions")) {
      var r = yaml.integer(e.get("repetitions").value(), path + ".repetitions", 1, MAX_REPETITIONS);
      if (r.isEmpty()) return null;
      repetitions = r.get().intValue();
    }
    if (!e.containsKey("seeds")) return new SeedsAndRepetitions(new CampaignFile.Seeds.FromScenario(), repetitions == null ? 1 : repetitions);
    Node node = e.get("seeds").value();
    if (node instanceof MappingNode) {
      var m = yaml.mapping(node, path + ".seeds");
      if (m.isEmpty()) return null;
      yaml.rejectUnknownKeys(m.get(), path + ".seeds", SEEDS_KEYS);
      if (!m.get().containsKey("from") || !m.get().containsKey("count")) {
        yaml.problem(YamlReader.pos(node), path + ".seeds: takes both from and count ({from: 100, count: 5}), or a list of seeds");
        return null;
      }
      var from = yaml.integer(m.get().get("from").value(), path + ".seeds.from", Long.MIN_VALUE, Long.MAX_VALUE - MAX_REPETITIONS);
      var count = yaml.integer(m.get().get("count").value(), path + ".seeds.count", 1, MAX_REPETITIONS);
      if (from.isEmpty() || count.isEmpty()) return null;
      if (repetitions != null && repetitions != count.get().intValue()) {
        yaml.problem(YamlReader.pos(m.get().get("count").value()), path + ".seeds.count: " + count.get()
            + " seeds for " + repetitions + " repetitions; give as many seeds as repetitions, or leave one of them out");
        return null;
      }
      return new SeedsAndRepetitions(new CampaignFile.Seeds.Counted(from.get(), count.get().intValue()), count.get().intValue());
    }
    var items = yaml.sequence(node, path + ".seeds");
    if (items.isEmpty()) return null;
    if (items.get().isEmpty()) {
      yaml.problem(YamlReader.pos(node), path + ".seeds: empty; list at least one seed or leave seeds out");
      return null;
    }
    var seeds = new ArrayList<Long>();
    boolean ok = true;
    for (int i = 0; i < items.get().size(); i++) {
      var s = yaml.integer(items.get().get(i), path + ".seeds[" + i + "]", Long.MIN_VALUE, Long.MAX_VALUE);
      if (s.isPresent()) seeds.add(s.get()); else ok = false;
    }
    if (!ok) return null;
    if (repetitions != null && repetitions != seeds.size()) {
      yaml.problem(YamlReader.pos(node), path + ".seeds: " + seeds.size() + " seeds for " + repetitions
          + " repetitions; give as many seeds as repetitions, or leave one of them out");
      return null;
    }
    return new SeedsAndRepetitions(new CampaignFile.Seeds.Listed(seeds), seeds.size());
  }

  private static void matrix(YamlReader yaml, Node node, String path, Map<String, List<String>> out) {
    var m = yaml.mapping(node, path);
    if (m.isEmpty()) return;
    for (var entry : m.get().values()) {
      String p = path + "." + entry.key();
      if (!Substitution.REFERENCE.matcher("${" + entry.key() + "}").matches()) {
        yaml.problem(entry.keyPos(), p + ": a parameter's name is a letter or _ then letters, digits, _ or - (it is used as ${name})");
        continue;
      }
      out.put(entry.key(), List.of()); // known from here on, so uses are not reported twice
      var values = yaml.stringList(entry.value(), p);
      if (values.isEmpty()) continue;
      if (values.get().isEmpty()) {
        yaml.problem(YamlReader.pos(entry.value()), p + ": empty; list at least one value");
        continue;
      }
      var seen = new LinkedHashSet<String>();
      boolean ok = true;
      for (int i = 0; i < values.get().size(); i++) {
        String v = values.get().get(i);
        if (v.contains("\n") || v.contains("\r")) {
          yaml.problem(YamlReader.pos(((org.yaml.snakeyaml.nodes.SequenceNode) entry.value()).getValue().get(i)),
              p + "[" + i + "]: a value may not span lines (it is substituted into one line of the scenario)");
          ok = false;
        } else if (!seen.add(v)) {
          yaml.problem(YamlReader.pos(((org.yaml.snakeyaml.nodes.SequenceNode) entry.value()).getValue().get(i)),
              p + "[" + i + "]: '" + v + "' is listed twice");
          ok = false;
        }
      }
      out.put(entry.key(), ok ? values.get() : List.copyOf(seen)); // a bad list is reported; its name is still known
    }
  }

  private static void composeEnv(YamlReader yaml, Node node, String path, Set<String> params, Map<String, String> out) {
    var m = yaml.mapping(node, path);
    if (m.isEmpty()) return;
    for (var entry : m.get().values()) {
      String p = path + "." + entry.key();
      if (!entry.key().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        yaml.problem(entry.keyPos(), p + ": an environment variable's name is a letter or _ then letters, digits or _");
        continue;
      }
      var v = yaml.string(entry.value(), p);
      if (v.isEmpty()) continue;
      var pos = YamlReader.pos(entry.value());
      for (var use : Substitution.uses(v.get())) {
        if (!params.contains(use.name())) {
          yaml.problem(pos, p + ": ${" + use.name() + "} is not a parameter of the group's matrix" + known(use.name(), params));
        }
      }
      out.put(entry.key(), v.get());
    }
  }

  /** Every {@code ${name}} of {@code text} (scenario {@code file}) must be one of {@code params}: problems at the uses. */
  private static void checkUses(Path file, String text, Set<String> params, String groupPath, List<Diagnostic> out) {
    for (var use : Substitution.uses(text)) {
      if (!params.contains(use.name())) {
        out.add(new Diagnostic(file, use.line(), use.column(), "${" + use.name() + "} is not a parameter of campaign group "
            + groupPath + "'s matrix (its value is substituted before the scenario is read)" + known(use.name(), params)));
      }
    }
  }

  private static String groupLabel(String name, String path) {
    return name != null ? "'" + name + "'" : path;
  }

  private static String known(String name, Set<String> params) {
    if (params.isEmpty()) return " (the group has no matrix; add matrix: {" + name + ": [...]})";
    return Suggestions.didYouMean(name, params) + " (known: " + String.join(", ", params) + ")";
  }

  private static String scenarioFile(YamlReader yaml, Node node, String path, Path file, List<Diagnostic> other) {
    if (!Files.isRegularFile(file)) {
      yaml.problem(YamlReader.pos(node), path + ": no file " + file + " (paths are relative to the campaign file's folder)");
      return null;
    }
    var diagnostics = new ArrayList<Diagnostic>();
    String text = InputFiles.read(file, "scenario", diagnostics);
    if (text == null) diagnostics.forEach(d -> yaml.problem(YamlReader.pos(node), path + ": " + d.message()));
    return text;
  }

  private static Optional<String> optionalName(YamlReader yaml, YamlReader.Entry entry, String path) {
    if (entry == null) return Optional.empty();
    var s = yaml.string(entry.value(), path);
    if (s.isEmpty()) return s;
    if (!NAME.matcher(s.get()).matches() || s.get().length() > 64) {
      yaml.problem(YamlReader.pos(entry.value()), path + ": '" + s.get()
          + "' is not a name: letters, digits, - and _, starting with a letter or digit, at most 64 characters");
      return Optional.empty();
    }
    return s;
  }

  private static Optional<Long> duration(YamlReader yaml, YamlReader.Entry entry, String path) {
    return entry == null ? Optional.empty() : yaml.millis(entry.value(), path);
  }

  private static Optional<CampaignFile.OnFailure> onFailure(YamlReader yaml, YamlReader.Entry entry, String path) {
    if (entry == null) return Optional.empty();
    var s = yaml.string(entry.value(), path);
    if (s.isEmpty()) return Optional.empty();
    String v = s.get().strip().toLowerCase(Locale.ROOT);
    if (!ON_FAILURE.contains(v)) {
      yaml.problem(YamlReader.pos(entry.value()), path + ": '" + s.get() + "' is not continue or stop" + Suggestions.didYouMean(v, ON_FAILURE));
      return Optional.empty();
    }
    return Optional.of(v.equals("stop") ? CampaignFile.OnFailure.STOP : CampaignFile.OnFailure.CONTINUE);
  }

}
