package dev.reprise.export.campaign;

import dev.reprise.export.Chart;
import dev.reprise.export.ChartRenderer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One plot per {@link Figure}: how it spreads across repetitions, per category (parameter
 * combination, fault runs and baselines apart; the "all combinations" rows are left out). Category
 * i (1-based, its number in the legend) sits at x = i: on its left a vertical bar from mean − sd to
 * mean + sd with a tick at the mean, on its right one short dash per repetition (spread out so
 * equal values stay visible). Drawn by {@link ChartRenderer} as ordinary line series with gaps.
 */
final class CampaignCharts {
  private static final double BAR_X = -0.25;
  private static final double TICK = 0.09;
  private static final double DASH = 0.05;
  private static final double REPS_FROM = -0.02;
  private static final double REPS_TO = 0.3;

  private CampaignCharts() {}

  /** Charts of the figures with at least one value, in {@link Figure} order. */
  static List<Chart> charts(List<GroupStatistics.Category> categories) {
    List<Chart> out = new ArrayList<>();
    for (Figure f : Figure.values()) {
      List<Chart.Series> series = new ArrayList<>();
      int position = 0;
      for (GroupStatistics.Category c : categories) {
        if (c.combination() == null) {
          continue;
        }
        List<Double> values = new ArrayList<>();
        for (RunRow r : c.rows()) {
          Double v = r.ok() ? f.of(r.figures()) : null;
          if (v != null && Double.isFinite(v)) {
            values.add(v);
          }
        }
        if (values.isEmpty()) {
          continue;
        }
        position++;
        series.add(series(position, c.label(), values, c.summaries().get(f), position - 1));
      }
      if (series.isEmpty()) {
        continue;
      }
      out.add(new Chart("campaign-" + f.column.replace('_', '-'),
          cap(f.title) + " per run group: mean ± sd (bar) and each repetition (dashes)",
          "run group (number in the legend)", f.title + " (" + f.unit + ")", series, List.of(), List.of(), false, false));
    }
    return out;
  }

  private static Chart.Series series(int x, String label, List<Double> values, Statistics.Summary s, int color) {
    List<double[]> points = new ArrayList<>();
    double mean = s.mean();
    double sd = s.sd() == null ? 0 : s.sd();
    double bar = x + BAR_X;
    segment(points, bar, mean - sd, bar, mean + sd);
    segment(points, bar - TICK, mean, bar + TICK, mean);
    for (int i = 0; i < values.size(); i++) {
      double at = x + (values.size() == 1 ? (REPS_FROM + REPS_TO) / 2 : REPS_FROM + (REPS_TO - REPS_FROM) * i / (values.size() - 1));
      segment(points, at - DASH, values.get(i), at + DASH, values.get(i));
    }
    double[] xs = new double[points.size()];
    double[] ys = new double[points.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = points.get(i)[0];
      ys[i] = points.get(i)[1];
    }
    return new Chart.Series(x + ": " + label, xs, ys, false, color);
  }

  private static void segment(List<double[]> points, double x0, double y0, double x1, double y1) {
    points.add(new double[] {x0, y0});
    points.add(new double[] {x1, y1});
    points.add(new double[] {Double.NaN, Double.NaN});
  }

  private static String cap(String s) {
    return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }

  /** {@code chart} as an {@code <svg>} element to inline in HTML (the XML declaration dropped, scaled to the page width). */
  static String inlineSvg(Chart chart) {
    String svg = new String(new ChartRenderer().svg(chart), StandardCharsets.UTF_8);
    int start = svg.indexOf("<svg");
    return svg.substring(start).replaceFirst("<svg ", "<svg role=\"img\" class=\"plot\" id=\"plot-" + chart.id() + "\" ");
  }
}
