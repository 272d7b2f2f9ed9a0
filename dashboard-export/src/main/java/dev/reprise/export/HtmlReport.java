package dev.reprise.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reprise.fdsl.record.LogRecord;
import dev.reprise.fdsl.record.RecordJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: run metadata, the fault timeline, every plot (interactive ECharts), the
 * planned-vs-actual table and a log viewer filtered by service, container and text. Self-contained.
 *
 * <p>The log viewer holds at most {@link #LOG_LINES_PER_CONTAINER} lines per container and
 * {@link #LOG_LINES_TOTAL} in all (the first ones of each container, which is where start-up
 * problems are); {@code dashboard/containers_logs.json} has every line.
 */
final class HtmlReport {
  static final int LOG_LINES_PER_CONTAINER = 3000;
  static final int LOG_LINES_TOTAL = 40000;

  /** Collects the log viewer's lines while the exporter streams the logs. */
  static final class LogSample {
    final List<Object[]> rows = new ArrayList<>();
    final Map<String, Integer> perContainer = new LinkedHashMap<>();
    long total;
    long dropped;

    void offer(RunFolder run, LogRecord r) {
      total++;
      String key = r.service() + "." + r.id() + "/" + r.container();
      int n = perContainer.merge(key, 1, Integer::sum);
      if (n > LOG_LINES_PER_CONTAINER || rows.size() >= LOG_LINES_TOTAL) {
        dropped++;
        return;
      }
      String c = r.container() == null ? "" : r.container().substring(0, Math.min(12, r.container().length()));
      rows.add(new Object[] {Math.round(run.seconds(r.time()) * 1000) / 1000.0, String.valueOf(r.service()),
          r.id() == null ? c : r.id().toString(), c, r.stream() == null ? "" : r.stream(),
          r.line() == null ? "" : r.line()});
    }
  }

  private HtmlReport() {}

  static String render(RunFolder run, TimelineAnalysis timeline, List<Chart> charts, LogSample logs,
      List<String> warnings) {
    JsonNode m = run.run();
    StringBuilder b = new StringBuilder(64 * 1024);
    b.append("<section id=\"meta\"><h2>Run</h2>\n<table class=\"kv\">\n");
    kv(b, "name", m.path("name").asText(run.name()));
    kv(b, "run id", m.path("run_id").asText(""));
    kv(b, "outcome", m.path("outcome").asText("unknown")
        + (m.hasNonNull("reason") ? " — " + m.path("reason").asText() : ""));
    JsonNode trip = m.path("safety_trip");
    if (trip.hasNonNull("condition")) {
      var at = TimelineAnalysis.safetyAbort(run);
      kv(b, "aborted by", "safety condition '" + trip.path("condition").asText() + "' ("
          + trip.path("kind").asText("") + ")" + (at.isPresent() ? String.format(Locale.ROOT, " at %.1f s", at.get().seconds()) : "")
          + (trip.hasNonNull("value") ? ": value " + trip.path("value").asText() : "")
          + (trip.hasNonNull("threshold") ? ", threshold " + trip.path("threshold").asText() : "")
          + (trip.hasNonNull("detail") ? " — " + trip.path("detail").asText() : ""));
    }
    kv(b, "T0", RecordJson.format(run.t0()));
    kv(b, "started", m.path("start").asText(""));
    kv(b, "ended", m.path("end").asText(""));
    kv(b, "length", String.format(Locale.ROOT, "%.1f s after T0", run.durationSeconds()));
    kv(b, "seed", m.path("seed").asText(""));
    kv(b, "tool version", m.path("tool_version").asText(""));
    kv(b, "scenario", m.path("scenario").path("path").asText("") + "  sha256 " + m.path("scenario").path("sha256").asText(""));
    kv(b, "compose", m.path("compose").path("path").asText("") + "  sha256 " + m.path("compose").path("sha256").asText(""));
    kv(b, "faults injected", timeline.injectedFaults().size() + " of " + timeline.faults().size());
    b.append("</table>\n");
    JsonNode hosts = m.path("hosts");
    if (hosts.isArray() && hosts.size() > 0) {
      b.append("<h3>Hosts</h3>\n<table><tr><th>name</th><th>node</th><th>docker</th><th>kernel</th><th>cores</th>"
          + "<th>memory (GiB)</th><th>NTP server</th><th>clock offset (ms)</th><th>uncertainty (ms)</th><th>resyncs (not applied)</th>"
          + "<th>max drift (ms)</th></tr>\n");
      for (JsonNode h : hosts) {
        b.append("<tr><td>").append(HtmlPage.esc(h.path("name").asText())).append("</td><td>")
            .append(HtmlPage.esc(h.path("node").asText(""))).append("</td><td>")
            .append(HtmlPage.esc(h.path("docker_version").asText(""))).append("</td><td>")
            .append(HtmlPage.esc(h.path("kernel").asText(""))).append("</td><td class=\"num\">")
            .append(HtmlPage.esc(h.path("cores").asText(""))).append("</td><td class=\"num\">")
            .append(h.hasNonNull("mem_bytes") ? String.format(Locale.ROOT, "%.1f", h.path("mem_bytes").asDouble() / (1 << 30)) : "")
            .append("</td><td>").append(HtmlPage.esc(h.path("ntp_server").asText(""))).append("</td><td class=\"num\">")
            .append(HtmlPage.esc(h.path("clock_offset_millis").asText(""))).append("</td><td class=\"num\">")
            .append(HtmlPage.esc(h.path("clock_uncertainty_millis").asText(""))).append("</td><td class=\"num\">")
            .append(h.hasNonNull("clock_resyncs")
                ? h.path("clock_resyncs").asInt() + " (" + h.path("clock_resyncs_not_applied").asInt() + ")" : "")
            .append("</td><td class=\"num\">")
            .append(HtmlPage.esc(h.path("clock_max_drift_millis").asText(""))).append("</td></tr>\n");
      }
      b.append("</table>\n");
    }
    for (String f : List.of("scenario", "compose")) {
      String content = m.path(f).path("content").asText("");
      if (!content.isEmpty()) {
        b.append("<details><summary>").append(f).append(" file</summary><pre class=\"source\">")
            .append(HtmlPage.esc(content)).append("</pre></details>\n");
      }
    }
    b.append("</section>\n");

    b.append("<section id=\"faults\"><h2>Fault timeline</h2>\n");
    if (timeline.faults().isEmpty() && timeline.marks().isEmpty()) {
      b.append("<p class=\"note\">No faults or marks were recorded.</p>\n");
    } else {
      b.append("<table><tr><th>seq</th><th>at (s)</th><th>until (s)</th><th>duration (s)</th><th>fault</th>"
          + "<th>target</th><th>containers</th><th>hosts</th><th>end from</th><th>outcome</th></tr>\n");
      List<Object[]> rows = new ArrayList<>();
      for (FaultWindow f : timeline.faults()) {
        rows.add(new Object[] {f.startSeconds(), "<tr class=\"" + HtmlPage.esc(f.outcome()) + "\"><td class=\"num\">" + f.seq()
            + "</td><td class=\"num\">" + sec(f.startSeconds()) + "</td><td class=\"num\">" + sec(f.endSeconds())
            + "</td><td class=\"num\">" + sec(f.endSeconds() - f.startSeconds()) + "</td><td>" + HtmlPage.esc(f.label())
            + "</td><td>" + HtmlPage.esc(f.service() + " " + f.ids()) + "</td><td>"
            + HtmlPage.esc(String.join(" ", f.containers().stream().map(c -> c.substring(0, Math.min(12, c.length()))).toList()))
            + "</td><td>" + HtmlPage.esc(String.join(" ", f.hosts())) + "</td><td>" + HtmlPage.esc(f.endSource())
            + "</td><td>" + HtmlPage.esc(f.outcome()) + "</td></tr>\n"});
      }
      for (MarkPoint k : timeline.marks()) {
        rows.add(new Object[] {k.seconds(), "<tr><td></td><td class=\"num\">" + sec(k.seconds())
            + "</td><td></td><td></td><td>mark: " + HtmlPage.esc(k.text()) + "</td><td></td><td></td><td>"
            + HtmlPage.esc(k.host()) + "</td><td></td><td></td></tr>\n"});
      }
      rows.sort((x, y) -> Double.compare((Double) x[0], (Double) y[0]));
      rows.forEach(r -> b.append(r[1]));
      b.append("</table>\n");
    }
    b.append("</section>\n");

    b.append("<section id=\"plots\"><h2>Plots</h2>\n<p class=\"note\">Shaded: fault windows. Dashed red lines: "
        + "instantaneous faults; dashed grey lines: marks. Drag or scroll to zoom.</p>\n");
    charts.forEach(c -> b.append(HtmlPage.chartDiv(c)));
    b.append("</section>\n");

    b.append("<section id=\"actions\"><h2>Planned vs actual</h2>\n<table><tr><th>seq</th><th>kind</th><th>action</th>"
        + "<th>target</th><th>host</th><th>planned</th><th>actual</th><th>error (ms)</th><th>outcome</th><th>error</th></tr>\n");
    for (ActionFiring a : timeline.actions()) {
      String what = a.fault() != null ? a.fault() + (a.label() != null ? " (" + a.label() + ")" : "")
          : a.action() != null ? a.action() + (a.label() != null && "mark".equals(a.action()) ? " " + a.label() : "") : "";
      b.append("<tr class=\"").append(HtmlPage.esc(a.outcome())).append("\"><td class=\"num\">")
          .append(a.seq() == null ? "" : a.seq()).append("</td><td>").append(HtmlPage.esc(a.kind())).append("</td><td>")
          .append(HtmlPage.esc(what)).append("</td><td>").append(HtmlPage.esc(a.target())).append("</td><td>")
          .append(HtmlPage.esc(a.host())).append("</td><td>").append(time(a.planned())).append("</td><td>")
          .append(time(a.actual())).append("</td><td class=\"num\">")
          .append(a.errorMillis() == null ? "" : String.format(Locale.ROOT, "%.1f", a.errorMillis()))
          .append("</td><td>").append(HtmlPage.esc(a.outcome())).append("</td><td>").append(HtmlPage.esc(a.error()))
          .append("</td></tr>\n");
    }
    b.append("</table>\n</section>\n");

    b.append("<section id=\"logs\"><h2>Container logs</h2>\n<div id=\"log-filters\">service <select id=\"log-service\">"
        + "<option value=\"\">all</option></select> container <select id=\"log-container\"><option value=\"\">all</option>"
        + "</select> text <input type=\"text\" id=\"log-text\" placeholder=\"contains…\"> <span id=\"log-count\"></span></div>\n");
    if (logs.dropped > 0) {
      b.append("<p class=\"note\">The viewer holds ").append(logs.rows.size()).append(" of ").append(logs.total)
          .append(" lines (at most ").append(LOG_LINES_PER_CONTAINER).append(" per container); ")
          .append("dashboard/containers_logs.json has all of them.</p>\n");
    }
    b.append("<table id=\"log-table\"><thead><tr><th>s</th><th>container</th><th>docker id</th><th>stream</th>"
        + "<th>line</th></tr></thead><tbody id=\"log-body\"></tbody></table>\n</section>\n");

    b.append(HtmlPage.warningsSection(warnings));

    Map<String, Object> data = new LinkedHashMap<>();
    data.put("charts", charts.stream().map(HtmlPage::chartData).toList());
    data.put("logs", Map.of("rows", logs.rows, "total", logs.total));
    String nav = "<a href=\"#meta\">run</a><a href=\"#faults\">fault timeline</a><a href=\"#plots\">plots</a>"
        + "<a href=\"#actions\">planned vs actual</a><a href=\"#logs\">logs</a>"
        + (warnings.isEmpty() ? "" : "<a href=\"#warnings\">warnings</a>");
    String subtitle = m.path("outcome").asText("unknown") + " · T0 " + RecordJson.format(run.t0()) + " · "
        + String.format(Locale.ROOT, "%.0f s", run.durationSeconds());
    return HtmlPage.render("Reprise run " + run.name(), subtitle, nav, b.toString(), data);
  }

  private static void kv(StringBuilder b, String k, String v) {
    b.append("<tr><td>").append(HtmlPage.esc(k)).append("</td><td>").append(HtmlPage.esc(v)).append("</td></tr>\n");
  }

  private static String sec(double s) {
    return String.format(Locale.ROOT, "%.3f", s);
  }

  private static String time(Instant t) {
    return t == null ? "" : RecordJson.format(t);
  }
}
