package dev.reprise.master.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.RunManifest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code master diff RUN_A RUN_B [--json]}: what differs between the INPUTS of two runs, as their
 * {@code run.json} recorded them: scenario and compose file (a line diff, or "same sha256"), custom
 * fault scripts (by sha256), images (tag → image ID), seed, plan (hash; the first differing action),
 * the services as deployed, and the hosts' facts (kernel, cores, memory, docker version, host
 * features; hosts compared by position, as their names differ from cluster to cluster). What a run
 * did (records, outcome, times) is not an input and not compared.
 *
 * <p>Exit codes: 0 the inputs are identical, 1 they differ, 2 a folder is not a run folder.
 * An input an older run folder did not record (images, services, fault scripts) differs only from a
 * run that recorded it, and is said so.
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
    description = {"What differs between two runs' inputs: scenario, compose, fault scripts, images, seed, plan,"
        + " services, host facts.", "Exit 0: identical inputs; 1: they differ; 2: not a run folder."})
public final class DiffCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN_A", description = "A run folder.")
  Path a;

  @Parameters(index = "1", paramLabel = "RUN_B", description = "The run folder to compare it with.")
  Path b;

  @Option(names = "--json", description = "Print the differences as JSON on stdout.")
  boolean json;

  @Spec CommandSpec spec;

  /** One input of the two runs: whether it is the same, a one-line summary and the details of a difference. */
  record Input(String kind, boolean same, String summary, List<String> details) {
    Input {
      details = List.copyOf(details);
    }

    static Input same(String kind, String summary) {
      return new Input(kind, true, summary, List.of());
    }

    static Input differs(String kind, String summary, List<String> details) {
      return new Input(kind, false, summary, details);
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      RunManifest ma;
      RunManifest mb;
      try {
        ma = RunFolderManifest.read(a);
        mb = RunFolderManifest.read(b);
      } catch (RunFolderManifest.NotARunFolder e) {
        err.println("error: " + e.getMessage());
        return ExitCodes.INVALID_INPUT;
      }
      var inputs = compare(ma, mb);
      boolean identical = inputs.stream().allMatch(Input::same);
      if (json) {
        out.println(json(ma, mb, inputs, identical));
      } else {
        out.print(text(ma, mb, inputs, identical));
      }
      return identical ? ExitCodes.OK : ExitCodes.RUN_FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Every input of the two runs, in a fixed order. */
  static List<Input> compare(RunManifest a, RunManifest b) {
    var inputs = new ArrayList<Input>();
    inputs.add(file("scenario", a.scenario(), b.scenario()));
    inputs.add(file("compose", a.compose(), b.compose()));
    inputs.add(faultScripts(a.faultScripts(), b.faultScripts()));
    inputs.add(images(a.images(), b.images()));
    inputs.add(a.seed() == b.seed() ? Input.same("seed", "seed " + a.seed())
        : Input.differs("seed", "seed " + a.seed() + " vs " + b.seed(), List.of()));
    inputs.add(plan(a.plan(), b.plan()));
    inputs.add(services(a.services(), b.services()));
    inputs.add(hosts(a.hosts(), b.hosts()));
    return inputs;
  }

  private static Input file(String kind, RunManifest.SourceFile a, RunManifest.SourceFile b) {
    if (Objects.equals(a.sha256(), b.sha256())) return Input.same(kind, "sha256 " + a.sha256());
    return Input.differs(kind, a.path() + " (sha256 " + a.sha256() + ") vs " + b.path() + " (sha256 " + b.sha256() + ")",
        LineDiff.diff(a.content() == null ? "" : a.content(), b.content() == null ? "" : b.content()));
  }

  private static Input faultScripts(List<RunManifest.FaultScript> a, List<RunManifest.FaultScript> b) {
    if (a == null || b == null) return notRecorded("fault_scripts", a, b);
    var byA = new TreeMap<String, String>();
    a.forEach(s -> byA.put(s.name(), s.sha256()));
    var byB = new TreeMap<String, String>();
    b.forEach(s -> byB.put(s.name(), s.sha256()));
    var details = new ArrayList<String>();
    var names = new TreeSet<String>(byA.keySet());
    names.addAll(byB.keySet());
    for (String n : names) {
      if (!byB.containsKey(n)) details.add(n + ": only in A");
      else if (!byA.containsKey(n)) details.add(n + ": only in B");
      else if (!Objects.equals(byA.get(n), byB.get(n))) details.add(n + ": sha256 " + byA.get(n) + " vs " + byB.get(n));
    }
    if (details.isEmpty()) return Input.same("fault_scripts", byA.isEmpty() ? "none" : String.join(", ", byA.keySet()));
    return Input.differs("fault_scripts", details.size() + " script(s) differ", details);
  }

  private static Input images(List<RunManifest.ImageFact> a, List<RunManifest.ImageFact> b) {
    if (a == null || b == null) return notRecorded("images", a, b);
    var byA = new TreeMap<String, RunManifest.ImageFact>();
    a.forEach(i -> byA.put(i.image(), i));
    var byB = new TreeMap<String, RunManifest.ImageFact>();
    b.forEach(i -> byB.put(i.image(), i));
    var details = new ArrayList<String>();
    var tags = new TreeSet<String>(byA.keySet());
    tags.addAll(byB.keySet());
    for (String t : tags) {
      var x = byA.get(t);
      var y = byB.get(t);
      if (y == null) details.add(t + ": only in A");
      else if (x == null) details.add(t + ": only in B");
      else if (!Objects.equals(x.id(), y.id())) details.add(t + ": id " + x.id() + " vs " + y.id());
      else if (!Objects.equals(x.repoDigest(), y.repoDigest())) details.add(t + ": repo digest " + x.repoDigest() + " vs " + y.repoDigest());
    }
    if (details.isEmpty()) return Input.same("images", byA.size() + " image(s)");
    return Input.differs("images", details.size() + " image(s) differ", details);
  }

  private static Input plan(JsonNode a, JsonNode b) {
    String ha = RunFolderManifest.planHash(a);
    String hb = RunFolderManifest.planHash(b);
    if (ha.equals(hb)) return Input.same("plan", "hash " + ha);
    var details = new ArrayList<String>();
    String action = RunFolderManifest.firstDifferingAction(a, b);
    if (action != null) details.add("first differing " + action);
    for (String field : List.of("seed", "endMillis", "beginning")) {
      if (!a.path(field).equals(b.path(field))) details.add(field + ": " + a.path(field) + " vs " + b.path(field));
    }
    return Input.differs("plan", "hash " + ha + " vs " + hb, details);
  }

  private static Input services(List<RunManifest.ServiceSpec> a, List<RunManifest.ServiceSpec> b) {
    if (a == null || b == null) return notRecorded("services", a, b);
    ObjectMapper m = RecordJson.mapper();
    var byA = new TreeMap<String, JsonNode>();
    a.forEach(s -> byA.put(s.service(), m.valueToTree(s)));
    var byB = new TreeMap<String, JsonNode>();
    b.forEach(s -> byB.put(s.service(), m.valueToTree(s)));
    var details = new ArrayList<String>();
    var names = new TreeSet<String>(byA.keySet());
    names.addAll(byB.keySet());
    for (String n : names) {
      var x = byA.get(n);
      var y = byB.get(n);
      if (y == null) {
        details.add(n + ": only in A");
      } else if (x == null) {
        details.add(n + ": only in B");
      } else {
        var fields = new TreeSet<String>();
        x.fieldNames().forEachRemaining(fields::add);
        y.fieldNames().forEachRemaining(fields::add);
        for (String f : fields) {
          if (!x.path(f).equals(y.path(f))) details.add(n + "." + f + ": " + x.path(f) + " vs " + y.path(f));
        }
      }
    }
    if (details.isEmpty()) return Input.same("services", byA.size() + " service(s)");
    return Input.differs("services", details.size() + " difference(s)", details);
  }

  private static Input hosts(List<RunManifest.HostInfo> a, List<RunManifest.HostInfo> b) {
    a = a == null ? List.of() : a;
    b = b == null ? List.of() : b;
    var details = new ArrayList<String>();
    if (a.size() != b.size()) details.add(a.size() + " host(s) vs " + b.size());
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      var x = a.get(i);
      var y = b.get(i);
      String who = "host " + (i + 1) + " (" + x.name() + " vs " + y.name() + ")";
      fact(details, who, "kernel", x.kernel(), y.kernel());
      fact(details, who, "cores", x.cores(), y.cores());
      fact(details, who, "memory", x.memBytes(), y.memBytes());
      fact(details, who, "docker version", x.dockerVersion(), y.dockerVersion());
      fact(details, who, "features", x.features(), y.features());
    }
    if (details.isEmpty()) return Input.same("hosts", "facts of " + a.size() + " host(s)");
    return Input.differs("hosts", details.size() + " difference(s)", details);
  }

  private static void fact(List<String> details, String who, String what, Object x, Object y) {
    if (!Objects.equals(x, y)) details.add(who + ": " + what + " " + x + " vs " + y);
  }

  private static Input notRecorded(String kind, List<?> a, List<?> b) {
    if (a == null && b == null) return Input.same(kind, "recorded by neither run (older run folders)");
    return Input.differs(kind, "recorded only in " + (a == null ? "B" : "A") + " (the other is an older run folder)", List.of());
  }

  static String text(RunManifest a, RunManifest b, List<Input> inputs, boolean identical) {
    var sb = new StringBuilder();
    sb.append("A: ").append(a.runId()).append('\n').append("B: ").append(b.runId()).append('\n');
    for (var in : inputs) {
      sb.append(String.format("%-14s %s %s%n", in.kind() + ":", in.same() ? "same" : "DIFFERS", in.same() ? "(" + in.summary() + ")" : in.summary()));
      for (String d : in.details()) sb.append("    ").append(d).append('\n');
    }
    sb.append(identical ? "the inputs are identical\n"
        : inputs.stream().filter(i -> !i.same()).count() + " input(s) differ\n");
    return sb.toString();
  }

  static String json(RunManifest a, RunManifest b, List<Input> inputs, boolean identical) {
    ObjectMapper m = RecordJson.mapper();
    ObjectNode root = m.createObjectNode();
    root.put("a", a.runId());
    root.put("b", b.runId());
    root.put("identical", identical);
    var list = root.putArray("inputs");
    for (var in : inputs) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("kind", in.kind());
      o.put("same", in.same());
      o.put("summary", in.summary());
      o.put("details", in.details());
      list.add(m.valueToTree(o));
    }
    try {
      return m.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A line diff of two texts: {@code -} lines only in A, {@code +} only in B, numbered by A's / B's lines. */
  static final class LineDiff {
    /** Above this many lines on either side the texts are not diffed line by line (quadratic). */
    static final int MAX_LINES = 5000;

    private LineDiff() {}

    static List<String> diff(String a, String b) {
      String[] x = a.split("\n", -1);
      String[] y = b.split("\n", -1);
      if (x.length > MAX_LINES || y.length > MAX_LINES) {
        return List.of("(" + x.length + " vs " + y.length + " lines: too long to diff line by line)");
      }
      int[][] lcs = new int[x.length + 1][y.length + 1];
      for (int i = x.length - 1; i >= 0; i--) {
        for (int j = y.length - 1; j >= 0; j--) {
          lcs[i][j] = x[i].equals(y[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
        }
      }
      var out = new ArrayList<String>();
      int i = 0;
      int j = 0;
      while (i < x.length || j < y.length) {
        if (i < x.length && j < y.length && x[i].equals(y[j])) {
          i++;
          j++;
        } else if (j < y.length && (i == x.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
          out.add("+" + (j + 1) + ": " + y[j]);
          j++;
        } else {
          out.add("-" + (i + 1) + ": " + x[i]);
          i++;
        }
      }
      return out;
    }
  }
}
