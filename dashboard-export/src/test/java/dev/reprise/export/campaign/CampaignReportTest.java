package dev.reprise.export.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.reprise.export.Comparison;
import dev.reprise.export.RunComparison;
import dev.reprise.export.Thresholds;
import dev.reprise.fdsl.record.CampaignManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CampaignReportTest {
  private static final Map<String, String> NONE = Map.of();

  /** campaign.csv as header → value maps, one per row (an RFC 4180 reader: quotes, doubled quotes, line breaks in cells). */
  static List<Map<String, String>> csv(Path campaign) throws IOException {
    List<List<String>> records = parseCsv(Files.readString(campaign.resolve(CampaignReport.CSV)));
    List<Map<String, String>> out = new ArrayList<>();
    for (List<String> r : records.subList(1, records.size())) {
      assertThat(r).as("cells of %s", r).hasSameSizeAs(records.get(0));
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < r.size(); i++) {
        m.put(records.get(0).get(i), r.get(i));
      }
      out.add(m);
    }
    return out;
  }

  static List<List<String>> parseCsv(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\n') {
        record.add(cell.toString());
        cell.setLength(0);
        records.add(record);
        record = new ArrayList<>();
      } else {
        cell.append(c);
      }
    }
    assertThat(quoted).as("unterminated quote").isFalse();
    assertThat(record).as("last line ends with \\n").isEmpty();
    return records;
  }

  private static double num(Map<String, String> row, String column) {
    assertThat(row.get(column)).as("%s of %s", column, row.get("key")).isNotEmpty();
    return Double.parseDouble(row.get(column));
  }

  @Test
  void oneRowPerRunInManifestOrderPendingOnesIncluded(@TempDir Path tmp) throws IOException {
    CampaignFixture f = new CampaignFixture(tmp.resolve("night")).group("kill", null, 3).state(CampaignManifest.INTERRUPTED);
    f.steadyRun("runs/r2", 5.0);
    f.steadyRun("runs/r0", 6.0);
    f.finished("kill/rep-0", "kill", false, 0, NONE, "runs/r2")
        .finished("kill/rep-1", "kill", false, 1, NONE, "runs/r0")
        .run("kill/rep-2", "kill", false, 2, NONE, CampaignManifest.Run.PENDING);
    List<Path> files = CampaignReport.write(f.write());

    assertThat(files).containsExactly(f.dir.resolve("campaign.html"), f.dir.resolve("campaign.csv"));
    List<Map<String, String>> rows = csv(f.dir);
    assertThat(rows).extracting(r -> r.get("key")).containsExactly("kill/rep-0", "kill/rep-1", "kill/rep-2");
    assertThat(rows).extracting(r -> r.get("run_id")).containsExactly("r2", "r0", "");
    assertThat(rows.get(2)).containsEntry("outcome", "pending").containsEntry("firing_error_p99_ms", "")
        .containsEntry("report", "").containsEntry("problems", "");
    assertThat(rows.get(0)).containsEntry("report", "runs/r2/export/report.html").containsEntry("seed", "1000")
        .containsEntry("duration_s", "75").containsEntry("outcome", "ok");
    String html = Files.readString(files.get(0));
    assertThat(html).contains("<b>3</b> runs").contains("<b>2</b> done").contains("<b>0</b> failed").contains("<b>1</b> left")
        .contains("interrupted").contains("href=\"runs/r2/export/report.html\"");
    assertThat(f.dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void theCountingAttemptIsTheLastOne(@TempDir Path tmp) throws IOException {
    CampaignFixture f = new CampaignFixture(tmp.resolve("night")).group("kill", null, 1);
    f.steadyRun("runs/kill-1", 999.0); // cut off: its partial folder stays
    f.steadyRun("runs/kill-2", 7.0);
    f.run("kill/rep-0", "kill", false, 0, NONE, CampaignManifest.Run.FINISHED,
        CampaignFixture.attempt("runs/kill-1", "interrupted", 0), CampaignFixture.attempt("runs/kill-2", "ok", 1));
    CampaignReport.write(f.write());

    List<Map<String, String>> rows = csv(f.dir);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0)).containsEntry("run_id", "kill-2").containsEntry("attempts", "2").containsEntry("outcome", "ok")
        .containsEntry("run_dir", "runs/kill-2").containsEntry("report", "runs/kill-2/export/report.html");
    assertThat(num(rows.get(0), "firing_error_p99_ms")).isCloseTo(7.0, offset(1e-6));
    assertThat(Files.readString(f.dir.resolve("campaign.html"))).doesNotContain("kill-1/export");
  }

  @Test
  void aMissingOrBrokenRunFolderIsARowWithItsProblemNotAFailure(@TempDir Path tmp) throws IOException {
    CampaignFixture f = new CampaignFixture(tmp.resolve("night")).group("kill", null, 3);
    f.steadyRun("runs/fine", 4.0);
    Files.createDirectories(f.dir.resolve("runs/empty"));
    f.finished("kill/rep-0", "kill", false, 0, NONE, "runs/gone")
        .finished("kill/rep-1", "kill", false, 1, NONE, "runs/empty")
        .finished("kill/rep-2", "kill", false, 2, NONE, "runs/fine")
        .run("kill/rep-3", "kill", false, 3, NONE, CampaignManifest.Run.FINISHED,
            CampaignFixture.attempt(null, "environment", 3));
    CampaignReport.Result r = CampaignReport.report(f.write(), Thresholds.DEFAULTS);

    List<Map<String, String>> rows = csv(f.dir);
    assertThat(rows).hasSize(4);
    assertThat(rows.get(0)).containsEntry("outcome", "ok").containsEntry("report", "").containsEntry("firing_error_p99_ms", "");
    assertThat(rows.get(0).get("problems")).isEqualTo("run folder runs/gone is missing");
    assertThat(rows.get(1).get("problems")).contains("no export/report.html in runs/empty").contains("run.json");
    assertThat(rows.get(2)).containsEntry("problems", "");
    assertThat(rows.get(3)).containsEntry("outcome", "environment").containsEntry("problems", "no run folder");
    assertThat(r.problems()).contains("kill/rep-0: run folder runs/gone is missing", "kill/rep-3: no run folder");
    // the statistics use the one readable run; the two ok runs without figures count as missing
    String html = Files.readString(f.dir.resolve("campaign.html"));
    assertThat(html).contains("run folder runs/gone is missing").contains("<td class=\"num\">1 (3)</td>");
  }

  @Test
  void faultRunsAreComparedWithTheirGroupsBaselineAsMasterCompareDoes(@TempDir Path tmp) throws IOException {
    CampaignFixture f = new CampaignFixture(tmp.resolve("night")).group("db", "faults-off", 1).group("alone", null, 1);
    Path baseline = f.copyFixture("baseline-run", "runs/db-base");
    Path run = f.copyFixture("fault-run", "runs/db-fault");
    f.copyFixture("fault-run", "runs/alone");
    f.finished("db/baseline/rep-0", "db", true, 0, NONE, "runs/db-base")
        .finished("db/rep-0", "db", false, 0, NONE, "runs/db-fault")
        .finished("alone/rep-0", "alone", false, 0, NONE, "runs/alone");
    CampaignReport.write(f.write());

    Comparison expected = new RunComparison().compare(baseline, run, Thresholds.DEFAULTS, tmp.resolve("cmp")).comparison();
    double slowest = expected.recoveries().stream().mapToDouble(Comparison.Recovery::recoverySeconds).max().orElseThrow();
    List<Map<String, String>> rows = csv(f.dir);
    Map<String, String> fault = rows.get(1);
    assertThat(num(fault, "recovery_s")).isCloseTo(slowest, offset(1e-6)).isCloseTo(45 - 35.0024, offset(1e-6));
    assertThat(num(fault, "reference_throughput_ops_s")).isEqualTo(expected.referenceThroughput()).isEqualTo(500.0);
    assertThat(num(fault, "throughput_ops_s")).isEqualTo(expected.runSummary().throughput());
    assertThat(num(fault, "error_rate_pct")).isCloseTo(expected.runSummary().errorRate() * 100, offset(1e-9));
    assertThat(num(fault, "throughput_dip_pct")).isCloseTo(60.0, offset(1e-9)); // 200 of 500 ops/s after the kill
    assertThat(num(fault, "anomalous_s")).isEqualTo(15);
    assertThat(fault).containsEntry("faults", "2").containsEntry("unrecovered_faults", "0").containsEntry("baselines", "1");
    assertThat(num(fault, "firing_error_p99_ms")).isCloseTo(40.5, offset(1e-6)); // the start of cassandra[3]
    // the baseline has its own throughput and firing error, but no dip or recovery
    assertThat(rows.get(0)).containsEntry("baseline", "true").containsEntry("throughput_dip_pct", "").containsEntry("recovery_s", "");
    assertThat(num(rows.get(0), "throughput_ops_s")).isEqualTo(500.0);
    // a group without baselines: no comparison figures, and no complaint about it either
    assertThat(rows.get(2)).containsEntry("throughput_dip_pct", "").containsEntry("recovery_s", "")
        .containsEntry("baselines", "0");
    assertThat(rows.get(2).get("problems")).doesNotContain("baseline").contains("no export/report.html");
  }

  @Test
  void baselinesMatchTheRunsParametersAndSeveralArePooled(@TempDir Path tmp) throws IOException {
    CampaignFixture f = new CampaignFixture(tmp.resolve("night")).group("g", "faults-off", 2);
    f.syntheticRun("runs/b200-0", k -> 200, null);
    f.syntheticRun("runs/b200-1", k -> 300, null);
    f.syntheticRun("runs/b400-0", k -> 400, null);
    f.syntheticRun("runs/f200", k -> k >= 20 && k < 25 ? 100 : 250, 3.0);
    f.syntheticRun("runs/f400", k -> k >= 20 && k < 25 ? 100 : 400, 3.0);
    f.finished("g/rate=200/baseline/rep-0", "g", true, 0, Map.of("rate", "200"), "runs/b200-0")
        .finished("g/rate=200/baseline/rep-1", "g", true, 1, Map.of("rate", "200"), "runs/b200-1")
        .finished("g/rate=400/baseline/rep-0", "g", true, 0, Map.of("rate", "400"), "runs/b400-0")
        .finished("g/rate=200/rep-0", "g", false, 0, Map.of("rate", "200"), "runs/f200")
        .finished("g/rate=400/rep-0", "g", false, 0, Map.of("rate", "400"), "runs/f400");
    CampaignReport.write(f.write());

    List<Map<String, String>> rows = csv(f.dir);
    Map<String, String> f200 = rows.get(3);
    Map<String, String> f400 = rows.get(4);
    assertThat(f200).containsEntry("baselines", "2");
    assertThat(num(f200, "reference_throughput_ops_s")).isEqualTo(250.0); // median of 50 s at 200 and 50 s at 300
    assertThat(num(f200, "throughput_dip_pct")).isCloseTo(60.0, offset(1e-9));
    assertThat(num(f200, "recovery_s")).isCloseTo(25 - 20.003, offset(1e-6));
    assertThat(f400).containsEntry("baselines", "1");
    assertThat(num(f400, "reference_throughput_ops_s")).isEqualTo(400.0);
    assertThat(num(f400, "throughput_dip_pct")).isCloseTo(75.0, offset(1e-9));
  }

  @Test
  void perGroupStatisticsAcrossRepetitions(@TempDir Path tmp) throws IOException {
    CampaignFixture f = new CampaignFixture(tmp.resolve("night")).group("kill", "faults-off", 3);
    f.steadyRun("runs/base", null);
    f.finished("kill/baseline/rep-0", "kill", true, 0, NONE, "runs/base");
    int[] outage = {2, 3, 4};
    for (int i = 0; i < 3; i++) {
      int d = outage[i];
      f.syntheticRun("runs/kill-" + i, k -> k >= 20 && k < 20 + d ? 100 : 500, 10.0 * (i + 1));
      f.finished("kill/rep-" + i, "kill", false, i, NONE, "runs/kill-" + i);
    }
    f.steadyRun("runs/kill-failed", 1000.0);
    f.run("kill/rep-3", "kill", false, 3, NONE, CampaignManifest.Run.FINISHED,
        CampaignFixture.attempt("runs/kill-failed", "failed", 3));
    CampaignManifest m = CampaignReport.read(f.write());
    List<RunRow> rows = CampaignRows.of(f.dir, m, Thresholds.DEFAULTS);
    List<GroupStatistics.Category> categories = GroupStatistics.of(m, rows);

    assertThat(categories).extracting(GroupStatistics.Category::label).containsExactly("kill", "kill baseline");
    GroupStatistics.Category kill = categories.get(0);
    assertThat(kill.rows()).hasSize(4);
    assertThat(kill.ok()).isEqualTo(3);
    Statistics.Summary firing = kill.summaries().get(Figure.FIRING_ERROR_P99);
    assertThat(firing.n()).isEqualTo(3);
    assertThat(firing.missing()).isEqualTo(1); // the failed run's 1000 ms does not count
    assertThat(firing.mean()).isCloseTo(20.0, offset(1e-6));
    assertThat(firing.sd()).isCloseTo(10.0, offset(1e-6));
    assertThat(firing.min()).isCloseTo(10.0, offset(1e-6));
    assertThat(firing.max()).isCloseTo(30.0, offset(1e-6));
    Statistics.Summary recovery = kill.summaries().get(Figure.RECOVERY);
    assertThat(recovery.mean()).isCloseTo(2.98, offset(1e-6)); // 2 − 0.01, 3 − 0.02, 4 − 0.03
    assertThat(recovery.sd()).isCloseTo(0.99, offset(1e-6));
    Statistics.Summary throughput = kill.summaries().get(Figure.THROUGHPUT);
    assertThat(throughput.min()).isEqualTo(468.0); // 500 − 400 × 4 / 50 seconds after the warm-up
    assertThat(throughput.max()).isEqualTo(484.0);
    assertThat(kill.summaries().get(Figure.THROUGHPUT_DIP).sd()).isZero();
    Statistics.Summary baselineFiring = categories.get(1).summaries().get(Figure.FIRING_ERROR_P99);
    assertThat(baselineFiring.n()).isEqualTo(1);
    assertThat(baselineFiring.sd()).isNull();

    CampaignReport.write(f.dir);
    String html = Files.readString(f.dir.resolve("campaign.html"));
    assertThat(html).contains("<td class=\"num\">20.0</td><td class=\"num sd\">± 10.0</td><td class=\"num\">50.0 %</td>"
        + "<td class=\"num\">10.0 – 30.0</td><td class=\"num\">3 (1)</td>");
    assertThat(html).contains("<b>4</b> done").contains("<b>1</b> failed").contains("<b>0</b> left");
    // one plot per figure, each repetition drawn in the group's colour
    assertThat(html).contains("id=\"plot-campaign-firing-error-p99-ms\"").contains("id=\"plot-campaign-recovery-s\"")
        .contains("id=\"plot-campaign-throughput-dip-pct\"").contains("1: kill").contains("2: kill baseline");
  }

  @Test
  void parametersAreColumnsOfTheirOwn(@TempDir Path tmp) throws IOException {
    CampaignFixture f = new CampaignFixture(tmp.resolve("night")).group("g", null, 1);
    f.steadyRun("runs/a", 1.0);
    f.steadyRun("runs/b", 1.0);
    f.steadyRun("runs/c", 1.0);
    f.finished("g/rate=200,mode=fast/rep-0", "g", false, 0, Map.of("rate", "200", "mode", "fast"), "runs/a")
        .finished("g/rate=400,mode=slow/rep-0", "g", false, 0, Map.of("rate", "400", "mode", "slow"), "runs/b")
        .finished("g/rate=400/rep-0", "g", false, 0, Map.of("rate", "400"), "runs/c");
    CampaignReport.write(f.write());

    List<String> header = parseCsv(Files.readString(f.dir.resolve("campaign.csv"))).get(0);
    assertThat(header).containsSubsequence("key", "group", "baseline", "repetition", "param.mode", "param.rate", "seed",
        "plan_hash", "outcome", "duration_s", "firing_error_p99_ms", "throughput_dip_pct", "error_rate_pct", "recovery_s",
        "report");
    List<Map<String, String>> rows = csv(f.dir);
    assertThat(rows).extracting(r -> r.get("param.rate")).containsExactly("200", "400", "400");
    assertThat(rows).extracting(r -> r.get("param.mode")).containsExactly("fast", "slow", "");
    String html = Files.readString(f.dir.resolve("campaign.html"));
    assertThat(html).contains("<th>mode</th><th>rate</th>").contains("g (all 3 combinations)")
        .contains("g · mode=fast, rate=200").contains("g · rate=400");
  }

  @Test
  void csvCellsAreQuotedAsRfc4180Says(@TempDir Path tmp) throws IOException {
    CampaignFixture f = new CampaignFixture(tmp.resolve("night")).group("g, \"quoted\"", null, 1);
    f.steadyRun("runs/a", 1.0);
    String value = "a,b \"c\"\nd";
    f.finished("g/v=" + value + "/rep-0", "g, \"quoted\"", false, 0, Map.of("v", value), "runs/a");
    CampaignReport.write(f.write());

    String text = Files.readString(f.dir.resolve("campaign.csv"));
    assertThat(text).contains("\"g, \"\"quoted\"\"\"").contains("\"a,b \"\"c\"\"\nd\"");
    Map<String, String> row = csv(f.dir).get(0);
    assertThat(row).containsEntry("group", "g, \"quoted\"").containsEntry("param.v", value)
        .containsEntry("key", "g/v=" + value + "/rep-0");
    assertThat(Files.readString(f.dir.resolve("campaign.html"))).contains("g, &quot;quoted&quot;").doesNotContain("\"quoted\"");
  }

  @Test
  void theHtmlIsOfflineAndLinksOnlyToTheRunReports(@TempDir Path tmp) throws IOException {
    CampaignFixture f = new CampaignFixture(tmp.resolve("night")).group("kill", "faults-off", 1);
    f.steadyRun("runs/base", null);
    f.syntheticRun("runs/with space#1", k -> k == 30 ? 0 : 500, 2.0);
    f.finished("kill/baseline/rep-0", "kill", true, 0, NONE, "runs/base")
        .finished("kill/rep-0", "kill", false, 0, NONE, "runs/with space#1");
    String html = Files.readString(CampaignReport.write(f.write()).get(0));

    Matcher refs = Pattern.compile("(?i)\\b(src|href|action|data)\\s*=\\s*\"([^\"]*)\"").matcher(html);
    List<String> targets = new ArrayList<>();
    while (refs.find()) {
      targets.add(refs.group(2));
    }
    assertThat(targets).isNotEmpty().allSatisfy(t -> assertThat(t).doesNotContainPattern("^[a-zA-Z][a-zA-Z0-9+.-]*:")
        .doesNotStartWith("//"));
    assertThat(targets).contains("runs/base/export/report.html", "runs/with%20space%231/export/report.html");
    assertThat(html).doesNotContainPattern("(?i)<script|<link|<iframe|<img|@import|url\\(");
    assertThat(html).contains("<svg role=\"img\" class=\"plot\"").doesNotContain("<?xml");
    // the only URL is the SVG namespace, an identifier that is never fetched
    assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContainPattern("(?i)https?://");
  }

  @Test
  void aFolderWithoutAReadableManifestIsAClearError(@TempDir Path tmp) throws IOException {
    assertThatThrownBy(() -> CampaignReport.write(tmp.resolve("nope")))
        .isInstanceOf(InvalidCampaignFolderException.class).hasMessageContaining("no such campaign folder");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThatThrownBy(() -> CampaignReport.write(empty))
        .isInstanceOf(InvalidCampaignFolderException.class).hasMessageContaining("campaign.json: missing");
    Path broken = Files.createDirectories(tmp.resolve("broken"));
    Files.writeString(broken.resolve("campaign.json"), "{\"format\": 1,\n  \"runs\": [ {\"key\": }\n");
    assertThatThrownBy(() -> CampaignReport.write(broken))
        .isInstanceOf(InvalidCampaignFolderException.class)
        .hasMessageMatching("(?s).*campaign\\.json:2:\\d+: not a campaign manifest: .*");
    Path future = Files.createDirectories(tmp.resolve("future"));
    Files.writeString(future.resolve("campaign.json"), "{\"format\": 9, \"name\": \"x\", \"groups\": [{\"repetitions\": 1}], \"runs\": [{\"group\": \"g\"}]}");
    assertThatThrownBy(() -> CampaignReport.write(future))
        .isInstanceOf(InvalidCampaignFolderException.class)
        .hasMessageContaining("format 9").hasMessageContaining("groups[0] has no name")
        .hasMessageContaining("runs[0] has no key");
    assertThat(broken).isDirectoryNotContaining("glob:**campaign.{html,csv}");
  }
}
