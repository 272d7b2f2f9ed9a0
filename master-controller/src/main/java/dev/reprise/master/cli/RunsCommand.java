package dev.reprise.master.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.reprise.fdsl.fault.FaultTypes;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.source.Suggestions;
import dev.reprise.master.catalog.CatalogException;
import dev.reprise.master.catalog.Catalogs;
import dev.reprise.master.catalog.RunCatalog;
import dev.reprise.master.catalog.RunCatalog.CatalogFault;
import dev.reprise.master.catalog.RunCatalog.CatalogQuery;
import dev.reprise.master.catalog.RunCatalog.CatalogRun;
import dev.reprise.time.Clock;
import dev.reprise.time.SystemTime;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code master runs list|show|import}: the run catalog ({@link RunCatalog}), where every
 * {@code master run} is recorded. Exit codes: 0 done; 2 bad arguments, a run not in the catalog, or
 * (import) any folder that is not a run folder (the others are imported); 3 the catalog cannot be
 * opened; 1 the database refused while reading or writing.
 */
@Command(name = "runs", mixinStandardHelpOptions = true,
    description = "The run catalog: every run recorded, with its faults and audit fields.",
    subcommands = {RunsCommand.ListRuns.class, RunsCommand.ShowRun.class, RunsCommand.ImportRuns.class})
public final class RunsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** Where the catalog is: {@code --catalog}, else {@value Catalogs#ENV}, else {@code OUT/catalog.db}. */
  static final class Location {
    @Option(names = "--catalog", paramLabel = "LOCATION",
        description = "An SQLite file, or a jdbc:sqlite: or jdbc:postgresql: URL (default: $REPRISE_CATALOG, else OUT/catalog.db).")
    String catalog;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs",
        description = "The folder of the run folders, where the default catalog.db is (default: ${DEFAULT-VALUE}).")
    Path out;

    /** The environment the default location is read from; tests replace it. */
    Map<String, String> env = System.getenv();

    String resolved() {
      return Catalogs.resolve(catalog, out, env);
    }

    /** Whether a read-only command would find nothing: the default SQLite file does not exist yet. */
    boolean missing() {
      return Catalogs.sqliteFile(resolved()).map(f -> !Files.exists(f)).orElse(false);
    }

    RunCatalog open() throws CatalogException {
      return Catalogs.open(catalog, out, env);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The runs of the catalog, newest first.")
  static final class ListRuns implements Callable<Integer> {
    @Mixin Location location;

    @Option(names = "--campaign", paramLabel = "C", description = "Only the runs of campaign C.")
    String campaign;

    @Option(names = "--fault", paramLabel = "TYPE", description = "Only runs that injected a fault of this type (kill, cpu, partition, ...).")
    String fault;

    @Option(names = "--since", paramLabel = "WHEN",
        description = "Only runs started since WHEN: an instant (2026-12-01T10:00:00Z), a date (2026-12-01, UTC) or a duration ago (90m, 24h, 7d, 2w).")
    String since;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
        description = "At most N runs, the newest (default: ${DEFAULT-VALUE}; 0: all).")
    int limit;

    @Option(names = "--json", description = "Print the runs, with their faults, as a JSON array.")
    boolean json;

    @Spec CommandSpec spec;

    Clock clock = SystemTime.INSTANCE;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      var problems = new ArrayList<String>();
      Instant from = null;
      if (since != null) {
        try {
          from = since(since, clock.now());
        } catch (IllegalArgumentException e) {
          problems.add(e.getMessage());
        }
      }
      if (fault != null && !FaultTypes.names().contains(fault)) {
        problems.add("--fault " + fault + ": no such fault type" + Suggestions.didYouMean(fault, FaultTypes.names())
            + "; the types are " + String.join(", ", FaultTypes.names()));
      }
      if (limit < 0) problems.add("--limit " + limit + ": must be 0 (all) or more");
      if (!problems.isEmpty()) {
        problems.forEach(p -> err.println("error: " + p));
        return ExitCodes.INVALID_INPUT;
      }
      if (location.missing()) {
        if (json) out.println("[]");
        err.println("no runs: no catalog at " + location.resolved() + " yet (`master run` records every run there;"
            + " `master runs import DIR` records older run folders)");
        return ExitCodes.OK;
      }
      List<CatalogRun> runs;
      try (RunCatalog catalog = location.open()) {
        runs = catalog.list(new CatalogQuery(campaign, fault, from, limit));
      } catch (CatalogException e) {
        err.println("error: " + e.getMessage());
        return ExitCodes.ENVIRONMENT;
      }
      if (json) {
        out.println(json(runs));
      } else {
        out.print(table(runs));
        if (limit > 0 && runs.size() == limit) err.println("(the newest " + limit + " runs; --limit 0 lists all)");
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One run of the catalog with every fault it injected.")
  static final class ShowRun implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "The run's ID (its folder's name), or its run folder.")
    String run;

    @Mixin Location location;

    @Option(names = "--json", description = "Print the run as JSON.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String runId = Path.of(run).getFileName() == null ? run : Path.of(run).getFileName().toString();
      if (location.missing()) {
        err.println("error: no run " + runId + ": no catalog at " + location.resolved() + " yet");
        return ExitCodes.INVALID_INPUT;
      }
      try (RunCatalog catalog = location.open()) {
        var found = catalog.find(runId);
        if (found.isEmpty()) {
          err.println("error: no run " + runId + " in the catalog " + location.resolved()
              + (Files.isDirectory(Path.of(run)) ? " (`master runs import " + run + "` records it)" : ""));
          return ExitCodes.INVALID_INPUT;
        }
        out.print(json ? json(found.get()) + "\n" : details(found.get()));
        out.flush();
        return ExitCodes.OK;
      } catch (CatalogException e) {
        err.println("error: " + e.getMessage());
        return ExitCodes.ENVIRONMENT;
      }
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {"Record run folders made before the catalog existed, or on another machine.",
          "A folder without run.json is searched for run folders (3 levels deep: runs/, campaign folders)."})
  static final class ImportRuns implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "Run folders, or folders that hold run folders.")
    List<Path> dirs;

    @Mixin Location location;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      int imported = 0;
      int failed = 0;
      try (RunCatalog catalog = location.open()) {
        for (Path dir : dirs) {
          for (Path runDir : runFolders(dir)) {
            try {
              var r = catalog.record(runDir, null);
              out.println("imported " + r.runId() + " (" + r.outcome() + ", " + r.faults().size() + " fault(s)) from " + runDir);
              imported++;
            } catch (CatalogException e) {
              err.println("error: " + e.getMessage());
              failed++;
            }
          }
        }
      } catch (CatalogException e) {
        err.println("error: " + e.getMessage());
        return ExitCodes.ENVIRONMENT;
      }
      err.println("imported " + imported + " run(s) into " + location.resolved() + (failed > 0 ? "; " + failed + " failed" : ""));
      out.flush();
      return failed > 0 ? ExitCodes.INVALID_INPUT : ExitCodes.OK;
    }
  }

  /**
   * The run folders {@code dir} names: itself when it holds {@code run.json} (or is not a folder:
   * recording it then says why), else every folder below it, 3 levels deep, that holds one (not
   * looking inside run folders), in name order; itself when there is none (recording it says why).
   */
  static List<Path> runFolders(Path dir) {
    if (!Files.isDirectory(dir) || Files.isRegularFile(dir.resolve("run.json"))) return List.of(dir);
    var found = new ArrayList<Path>();
    collect(dir, 3, found);
    return found.isEmpty() ? List.of(dir) : found;
  }

  private static void collect(Path dir, int depth, List<Path> found) {
    if (depth == 0) return;
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.filter(Files::isDirectory).sorted().toList()) {
        if (Files.isRegularFile(child.resolve("run.json"))) found.add(child);
        else collect(child, depth - 1, found);
      }
    } catch (IOException e) {
      // an unreadable folder holds no run folder we can record
    }
  }

  private static final Pattern AGO = Pattern.compile("(\\d+)\\s*(s|m|h|d|w)");

  /**
   * The instant {@code --since} means, {@code now} for relative forms: an ISO instant, a date (its
   * start, UTC), an amount of time ago ({@code 90m}, {@code 24h}, {@code 7d}, {@code 2w}) or an ISO
   * duration ago ({@code PT36H}).
   *
   * @throws IllegalArgumentException naming the value and the forms it may take
   */
  static Instant since(String value, Instant now) {
    String v = value.strip();
    Matcher m = AGO.matcher(v.toLowerCase(Locale.ROOT));
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        Duration unit = switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(1);
          case "m" -> Duration.ofMinutes(1);
          case "h" -> Duration.ofHours(1);
          case "d" -> Duration.ofDays(1);
          default -> Duration.ofDays(7);
        };
        return now.minus(unit.multipliedBy(n));
      }
      if (v.startsWith("P") || v.startsWith("p")) return now.minus(Duration.parse(v));
      if (v.length() == 10) return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
      return Instant.parse(v);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException("--since " + value + ": neither an instant (2026-12-01T10:00:00Z), a date"
          + " (2026-12-01) nor a duration ago (90m, 24h, 7d, 2w)");
    }
  }

  private static final DateTimeFormatter START = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /** The runs as a table for a terminal, a header line first; empty when there are none. */
  static String table(List<CatalogRun> runs) {
    if (runs.isEmpty()) return "";
    String[] head = {"STARTED", "RUN", "OUTCOME", "CLUSTER", "FAULTS", "P99 BEFORE/PEAK (ms)", "RECOVERY", "CAMPAIGN"};
    var rows = new ArrayList<String[]>();
    rows.add(head);
    for (CatalogRun r : runs) {
      rows.add(new String[] {START.format(r.start()), r.runId(), r.outcome(), r.targetCluster(), faultSummary(r.faults()),
          ms(r.baselineP99Millis()) + " / " + ms(r.peakP99Millis()),
          r.recoverySeconds() == null ? "-" : String.format(Locale.ROOT, "%.1f s", r.recoverySeconds()),
          r.campaign() == null ? "-" : r.campaign().campaign() + " " + r.campaign().key()});
    }
    int[] width = new int[head.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) width[i] = Math.max(width[i], row[i].length());
    }
    var b = new StringBuilder();
    for (String[] row : rows) {
      var line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) line.append(" ".repeat(width[i] - row[i].length() + 2));
      }
      b.append(line.toString().stripTrailing()).append('\n');
    }
    return b.toString();
  }

  /** {@code cpu ×1, kill ×2}: each fault type with how many faults of it; {@code -} for none. */
  static String faultSummary(List<CatalogFault> faults) {
    if (faults.isEmpty()) return "-";
    var counts = new TreeMap<String, Integer>();
    faults.forEach(f -> counts.merge(f.faultType(), 1, Integer::sum));
    var parts = new ArrayList<String>();
    counts.forEach((type, n) -> parts.add(type + " ×" + n));
    return String.join(", ", parts);
  }

  private static String ms(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String instant(Instant t) {
    return t == null ? "-" : t.toString();
  }

  /** One run for a terminal: its fields, then one line per fault. */
  static String details(CatalogRun r) {
    var b = new StringBuilder();
    line(b, "run", r.runId());
    line(b, "name", r.name());
    line(b, "outcome", r.outcome() + (r.reason() == null ? "" : " (" + r.reason() + ")"));
    line(b, "started", instant(r.start()));
    line(b, "ended", r.end() == null ? "- (cut off)" : instant(r.end()));
    line(b, "target cluster", r.targetCluster());
    line(b, "stack", r.stack());
    line(b, "run folder", r.runDir());
    line(b, "seed", Long.toString(r.seed()));
    line(b, "plan hash", r.planHash() == null ? "-" : r.planHash());
    line(b, "p99 before faults", r.baselineP99Millis() == null ? "- (no workload lines)" : ms(r.baselineP99Millis()) + " ms");
    line(b, "p99 peak", r.peakP99Millis() == null ? "- (no workload lines)" : ms(r.peakP99Millis()) + " ms");
    line(b, "recovery", r.recoverySeconds() == null ? "- (unknown)"
        : String.format(Locale.ROOT, "%.3f s after the last heal", r.recoverySeconds()));
    line(b, "data loss", r.dataLossDetected() == null ? "- (the workload cannot tell)" : r.dataLossDetected() ? "yes" : "no");
    line(b, "campaign", r.campaign() == null ? "-"
        : r.campaign().campaign() + " (group " + r.campaign().group() + ", run " + r.campaign().key() + ")");
    b.append("faults: ").append(r.faults().isEmpty() ? "none" : r.faults().size()).append('\n');
    for (CatalogFault f : r.faults()) {
      b.append("  ").append(f.faultType()).append(" on ")
          .append(f.container() != null ? f.container() : f.service() != null ? f.service() + " (group)" : "?")
          .append(f.host() == null ? "" : " @" + f.host())
          .append(": ").append(f.outcome()).append(", injected ").append(instant(f.injectedAt()))
          .append(f.rolledBackAt() == null ? ", not rolled back"
              : ", rolled back " + f.rolledBackAt() + (f.wasAutoRolledBack() ? " (planned)" : " (early: abort or end of run)"))
          .append('\n');
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String key, String value) {
    b.append(String.format(Locale.ROOT, "%-18s %s%n", key + ":", value));
  }

  static String json(Object value) {
    try {
      return RecordJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a catalog record that cannot be written as JSON", e);
    }
  }
}
