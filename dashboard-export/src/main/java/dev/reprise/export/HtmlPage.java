package dev.reprise.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A self-contained HTML page: the ECharts library, the report's CSS and script and its data are all
 * inlined, so the file opens from disk with no network. Shared by the run report and the comparison page.
 */
public final class HtmlPage {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final String WEBJAR = "META-INF/resources/webjars/echarts/";
  private static volatile String echarts;

  private HtmlPage() {}

  /** {@code o}'s text escaped for HTML text and attribute values; null is the empty string. */
  public static String esc(Object o) {
    if (o == null) {
      return "";
    }
    String s = o.toString();
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** The minified ECharts library from the {@code org.webjars:echarts} jar on the classpath. */
  static String echarts() {
    String js = echarts;
    if (js == null) {
      String version = webjarVersion();
      js = resource(WEBJAR + version + "/echarts.min.js");
      echarts = js;
    }
    return js;
  }

  private static String webjarVersion() {
    try (InputStream in = HtmlPage.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars/echarts/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the org.webjars:echarts jar is not on the classpath; report.html needs it");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A UTF-8 text resource of the dashboard-export jar (CSS, scripts); a missing one is an {@link IllegalStateException}. */
  public static String resource(String name) {
    try (InputStream in = HtmlPage.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the dashboard-export jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code chart} as the report script expects it; NaN becomes null (a gap), values rounded to 4 decimals. */
  static Map<String, Object> chartData(Chart chart) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", chart.id());
    m.put("title", chart.title());
    m.put("xLabel", chart.xLabel());
    m.put("yLabel", chart.yLabel());
    m.put("step", chart.step());
    m.put("points", chart.points());
    List<Object> series = new ArrayList<>();
    for (Chart.Series s : chart.series()) {
      List<Object> data = new ArrayList<>(s.x().length);
      for (int i = 0; i < s.x().length; i++) {
        data.add(new Object[] {round(s.x()[i]), Double.isFinite(s.y()[i]) ? round(s.y()[i]) : null});
      }
      series.add(Map.of("name", s.name(), "dashed", s.dashed(), "color", s.color(), "data", data));
    }
    m.put("series", series);
    m.put("windows", chart.windows().stream()
        .map(w -> Map.of("from", round(w.from()), "to", round(w.to()), "label", w.label())).toList());
    m.put("marks", chart.marks().stream()
        .map(k -> Map.of("x", round(k.x()), "label", k.label() == null ? "" : k.label(), "fault", k.fault())).toList());
    return m;
  }

  private static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 1e4) / 1e4 : 0;
  }

  /** The page's "Warnings" section, one escaped item per warning; empty when there are none. */
  static String warningsSection(List<String> warnings) {
    if (warnings.isEmpty()) return "";
    var b = new StringBuilder("<section id=\"warnings\"><h2>Warnings</h2><ul>\n");
    warnings.forEach(w -> b.append("<li class=\"warn\">").append(esc(w)).append("</li>\n"));
    return b.append("</ul></section>\n").toString();
  }

  /** A {@code <div>} the script fills with chart {@code id}. */
  static String chartDiv(Chart chart) {
    return "<div class=\"chart\" id=\"chart-" + esc(chart.id()) + "\" data-chart=\"" + esc(chart.id()) + "\"></div>\n";
  }

  /**
   * The whole page. {@code data} must hold {@code charts} (from {@link #chartData}) and may hold
   * {@code logs}; it is embedded as JSON in a non-executable script element.
   */
  static String render(String title, String subtitle, String nav, String body, Map<String, Object> data) {
    Map<String, Object> all = new LinkedHashMap<>(data);
    all.put("palette", PlotLayout.PALETTE);
    String json;
    try {
      json = JSON.writeValueAsString(all);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("report data not serializable: " + e.getMessage(), e);
    }
    // "</" would end the script element early; "<\/" is the same JSON string
    json = json.replace("</", "<\\/").replace("<!--", "<\\u0021--");
    StringBuilder b = new StringBuilder(echarts().length() + json.length() + body.length() + 8192);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(esc(title)).append("</title>\n<style>\n")
        .append(resource("dev/reprise/export/report.css")).append("</style>\n")
        .append("<script>\n").append(echarts().replace("</script", "<\\/script")).append("\n</script>\n")
        .append("</head>\n<body>\n<header><h1>").append(esc(title)).append("</h1><div class=\"sub\">")
        .append(esc(subtitle)).append("</div></header>\n<nav>").append(nav).append("</nav>\n")
        .append(body)
        .append("<script type=\"application/json\" id=\"report-data\">").append(json).append("</script>\n")
        .append("<script>\n").append(resource("dev/reprise/export/report.js")).append("\n</script>\n")
        .append("</body>\n</html>\n");
    return b.toString();
  }
}
