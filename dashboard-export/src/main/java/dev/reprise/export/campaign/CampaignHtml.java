package dev.reprise.export.campaign;

import dev.reprise.export.Chart;
import dev.reprise.export.HtmlPage;
import dev.reprise.export.Thresholds;
import dev.reprise.fdsl.record.CampaignManifest;
import dev.reprise.fdsl.record.RecordJson;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;

/**
 * {@code campaign.html}: one self-contained page with no script and no external resource (the run
 * report's stylesheet inlined, plots as inline SVG), so it opens from disk offline. Links go only to
 * the runs' {@code report.html} files, relative to the campaign folder.
 */
final class CampaignHtml {
  private static final String CSS = "dev/reprise/export/report.css";
  private static final String EXTRA_CSS = """
      svg.plot { width: 100%; max-width: 960px; height: auto; display: block; background: #fff; border: 1px solid #ddd; margin: 10px 0; }
      .counts span { display: inline-block; margin-right: 18px; font-size: 15px; }
      .counts b { font-size: 18px; }
      td.sd { color: #555; }
      details summary { cursor: pointer; }
      """;

  private CampaignHtml() {}

  static String render(CampaignManifest m, List<RunRow> rows, List<GroupStatistics.Category> categories,
      List<Chart> charts, Thresholds t) {
    StringBuilder b = new StringBuilder(64 * 1024);
    String title = "Reprise campaign: " + (m.name() == null ? "(unnamed)" : m.name());
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(HtmlPage.resource(CSS)).append(EXTRA_CSS)
        .append("</style>\n</head>\n<body>\n<header><h1>").append(esc(title)).append("</h1><div class=\"sub\">")
        .append(esc(state(m))).append("</div></header>\n")
        .append("<nav><a href=\"#summary\">summary</a><a href=\"#runs\">runs</a>"
            + "<a href=\"#reproducibility\">reproducibility</a><a href=\"#plots\">plots</a>"
            + "<a href=\"#campaign-file\">campaign file</a></nav>\n");
    summary(b, m, rows, t);
    runs(b, rows);
    reproducibility(b, categories);
    b.append("<section id=\"plots\"><h2>Each figure per run group</h2>\n");
    if (charts.isEmpty()) {
      b.append("<p class=\"note\">No run has a figure yet.</p>\n");
    }
    charts.forEach(c -> b.append(CampaignCharts.inlineSvg(c)));
    b.append("</section>\n");
    campaignFile(b, m);
    b.append("</body>\n</html>\n");
    return b.toString();
  }

  private static String state(CampaignManifest m) {
    return (m.state() == null ? "state unknown" : m.state()) + (m.reason() == null ? "" : " (" + m.reason() + ")")
        + " · started " + time(m.start()) + (m.end() == null ? "" : " · ended " + time(m.end()));
  }

  /** Counts: done = finished ok, failed = finished otherwise, left = pending, running or cut off. */
  static int[] counts(List<RunRow> rows) {
    int done = 0;
    int failed = 0;
    for (RunRow r : rows) {
      if (CampaignManifest.Run.FINISHED.equals(r.run().state())) {
        if (r.ok()) {
          done++;
        } else {
          failed++;
        }
      }
    }
    return new int[] {done, failed, rows.size() - done - failed};
  }

  private static void summary(StringBuilder b, CampaignManifest m, List<RunRow> rows, Thresholds t) {
    int[] c = counts(rows);
    b.append("<section id=\"summary\"><h2>Summary</h2>\n<p class=\"counts\"><span><b>").append(rows.size())
        .append("</b> runs</span><span><b>").append(c[0]).append("</b> done</span><span><b>").append(c[1])
        .append("</b> failed</span><span><b>").append(c[2]).append("</b> left</span></p>\n<table class=\"kv\">\n");
    kv(b, "name", m.name());
    kv(b, "state", m.state() + (m.reason() == null ? "" : " — " + m.reason()));
    kv(b, "start", time(m.start()));
    kv(b, "end", m.end() == null ? "—" : time(m.end()));
    if (m.start() != null && m.end() != null) {
      kv(b, "elapsed", elapsed(Duration.between(m.start(), m.end())));
    }
    if (m.campaignFile() != null) {
      kv(b, "campaign file", m.campaignFile().path() + (m.campaignFile().sha256() == null ? "" : "  (sha256 " + m.campaignFile().sha256() + ")"));
    }
    kv(b, "groups", String.valueOf(m.groups().size()));
    b.append("</table>\n<p class=\"note\">done: finished with outcome ok; failed: finished otherwise; left: pending, "
        + "running or cut off. Figures per run: firing error p99 = nearest-rank p99 of |actual − planned| over the "
        + "timeline's actions; throughput and error rate over the seconds after a ")
        .append(num(t.warmupSeconds(), 0)).append(" s warm-up; against the group's ok baseline runs with the same "
            + "parameters (pooled): throughput dip = deepest one-second drop below the baselines' median throughput, "
            + "recovery time = the longest recovery of the run's faults (as <code>master compare</code> computes it: "
            + "anomalous = throughput more than ").append(num(t.dropFraction() * 100, 0)).append(" % below that median or error rate above ")
        .append(num(t.errorRate() * 100, 2)).append(" %). The statistics use runs that ended ok only.</p>\n</section>\n");
  }

  private static void runs(StringBuilder b, List<RunRow> rows) {
    SortedSet<String> params = CampaignCsv.parameterNames(rows);
    b.append("<section id=\"runs\"><h2>Runs</h2>\n<table><tr><th>#</th><th>key</th><th>group</th><th>baseline</th><th>rep</th>");
    params.forEach(p -> b.append("<th>").append(esc(p)).append("</th>"));
    b.append("<th>seed</th><th>plan</th><th>outcome</th><th>attempts</th><th>duration (s)</th>");
    for (Figure f : Figure.values()) {
      b.append("<th>").append(esc(f.title)).append(" (").append(esc(f.unit)).append(")</th>");
    }
    b.append("<th>report</th><th>problems</th></tr>\n");
    int i = 0;
    for (RunRow r : rows) {
      i++;
      String cls = r.ok() ? "" : r.attempt() == null || r.attempt().outcome() == null
          || CampaignManifest.Run.CUT_OFF.equals(r.run().state()) ? "unknown" : "failed";
      b.append("<tr class=\"").append(cls).append("\"><td class=\"num\">").append(i).append("</td><td>")
          .append(esc(r.run().key())).append("</td><td>").append(esc(r.run().group())).append("</td><td>")
          .append(r.run().baseline() ? "baseline" : "").append("</td><td class=\"num\">").append(r.run().repetition())
          .append("</td>");
      params.forEach(p -> b.append("<td>").append(esc(r.run().parameters().get(p))).append("</td>"));
      String hash = r.run().planHash();
      b.append("<td class=\"num\">").append(r.run().seed()).append("</td><td title=\"").append(esc(hash)).append("\"><code>")
          .append(esc(hash == null ? "" : hash.substring(0, Math.min(12, hash.length())))).append("</code></td><td>")
          .append(esc(r.outcome())).append(r.attempt() != null && r.attempt().reason() != null
              ? "<br><span class=\"note\">" + esc(r.attempt().reason()) + "</span>" : "")
          .append("</td><td class=\"num\">").append(r.run().attempts().size()).append("</td><td class=\"num\">")
          .append(num(r.durationSeconds(), 1)).append("</td>");
      for (Figure f : Figure.values()) {
        b.append("<td class=\"num\">").append(num(f.of(r.figures()), f.decimals)).append("</td>");
      }
      b.append("<td>");
      if (r.report() != null) {
        b.append("<a href=\"").append(esc(href(r.report()))).append("\">report</a>");
      }
      b.append("</td><td class=\"warn\">").append(esc(String.join("; ", r.problems()))).append("</td></tr>\n");
    }
    b.append("</table>\n</section>\n");
  }

  private static void reproducibility(StringBuilder b, List<GroupStatistics.Category> categories) {
    b.append("<section id=\"reproducibility\"><h2>Reproducibility across repetitions</h2>\n")
        .append("<p class=\"note\">Per group and parameter combination, over the runs that ended ok: mean ± sample "
            + "standard deviation (none for a single run), cv = sd / |mean|, range min – max, n = values used "
            + "(and how many runs of the row had none).</p>\n");
    for (Figure f : Figure.values()) {
      if (categories.stream().noneMatch(c -> c.summaries().get(f).n() > 0)) {
        continue;
      }
      b.append("<h3>").append(esc(f.title)).append(" (").append(esc(f.unit)).append(")</h3>\n")
          .append("<table><tr><th>group</th><th>runs ok</th><th>mean</th><th>± sd</th><th>cv</th><th>min – max</th>"
              + "<th>n (missing)</th></tr>\n");
      for (GroupStatistics.Category c : categories) {
        Statistics.Summary s = c.summaries().get(f);
        b.append("<tr><td>").append(c.combination() == null ? "<b>" + esc(c.label()) + "</b>" : esc(c.label()))
            .append("</td><td class=\"num\">").append(c.ok()).append(" / ").append(c.rows().size())
            .append("</td><td class=\"num\">").append(num(s.mean(), f.decimals)).append("</td><td class=\"num sd\">")
            .append(s.sd() == null ? "—" : "± " + num(s.sd(), f.decimals)).append("</td><td class=\"num\">")
            .append(s.cv() == null ? "—" : num(s.cv() * 100, 1) + " %").append("</td><td class=\"num\">")
            .append(s.n() == 0 ? "—" : num(s.min(), f.decimals) + " – " + num(s.max(), f.decimals))
            .append("</td><td class=\"num\">").append(s.n()).append(s.missing() > 0 ? " (" + s.missing() + ")" : "")
            .append("</td></tr>\n");
      }
      b.append("</table>\n");
    }
    b.append("</section>\n");
  }

  private static void campaignFile(StringBuilder b, CampaignManifest m) {
    b.append("<section id=\"campaign-file\"><h2>Campaign file</h2>\n");
    if (m.campaignFile() == null || m.campaignFile().content() == null) {
      b.append("<p class=\"note\">campaign.json does not hold the campaign file.</p>\n");
    } else {
      b.append("<details open><summary>").append(esc(m.campaignFile().path())).append("</summary><pre class=\"source\">")
          .append(esc(m.campaignFile().content())).append("</pre></details>\n");
    }
    b.append("</section>\n");
  }

  private static void kv(StringBuilder b, String k, String v) {
    b.append("<tr><td>").append(esc(k)).append("</td><td>").append(esc(v)).append("</td></tr>\n");
  }

  /** A relative '/'-separated path as a URL reference (each character that is not allowed in a path percent-encoded). */
  static String href(String relativePath) {
    try {
      String s = new URI(null, null, relativePath, null).toASCIIString();
      int colon = s.indexOf(':');
      int slash = s.indexOf('/');
      return colon >= 0 && (slash < 0 || colon < slash) ? "./" + s : s; // "a:b/..." would read as a scheme
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a path: " + relativePath, e);
    }
  }

  private static String time(Instant t) {
    return t == null ? "—" : RecordJson.format(t).replace('T', ' ').replaceFirst("\\.\\d+Z$", " UTC");
  }

  private static String elapsed(Duration d) {
    long s = d.toSeconds();
    return String.format(Locale.ROOT, "%d h %02d min %02d s", s / 3600, s / 60 % 60, s % 60);
  }

  static String num(Double v, int decimals) {
    if (v == null || !Double.isFinite(v)) {
      return "—";
    }
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  static String esc(Object o) {
    return HtmlPage.esc(o);
  }
}
