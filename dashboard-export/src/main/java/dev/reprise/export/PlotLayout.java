package dev.reprise.export;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The geometry both renderers share: data ranges, "nice" ticks (1, 2, 5 × 10^k), the plot area
 * inside the image and the mapping from data to pixels. Pure computation.
 */
final class PlotLayout {
  static final int WIDTH = 960;
  static final int PLOT_HEIGHT = 300;
  static final int LEFT = 78;
  static final int RIGHT = 24;
  static final int TOP = 52;
  /** Below the plot: tick labels and the x axis title. */
  static final int AXIS_BOTTOM = 56;
  static final int LEGEND_ROW = 18;
  /** The colour cycle (ECharts' default palette without its red, which marks faults; the report uses the same). */
  static final String[] PALETTE = {
      "#5470c6", "#91cc75", "#fac858", "#73c0de", "#3ba272", "#fc8452", "#9a60b4", "#ea7ccc", "#2f4554"};

  final double xMin;
  final double xMax;
  final double yMin;
  final double yMax;
  final List<Double> xTicks;
  final List<Double> yTicks;
  /** Image height: title, plot, axis and as many legend rows as the series need. */
  final int height;
  final List<List<Integer>> legendRows;

  PlotLayout(Chart chart) {
    legendRows = legendRows(chart);
    height = TOP + PLOT_HEIGHT + AXIS_BOTTOM + legendRows.size() * LEGEND_ROW + 8;
    double x0 = Double.POSITIVE_INFINITY;
    double x1 = Double.NEGATIVE_INFINITY;
    double y0 = Double.POSITIVE_INFINITY;
    double y1 = Double.NEGATIVE_INFINITY;
    for (Chart.Series s : chart.series()) {
      for (int i = 0; i < s.x().length; i++) {
        if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
          x0 = Math.min(x0, s.x()[i]);
          x1 = Math.max(x1, s.x()[i]);
          y0 = Math.min(y0, s.y()[i]);
          y1 = Math.max(y1, s.y()[i]);
        }
      }
    }
    for (Chart.Window w : chart.windows()) {
      x0 = Math.min(x0, w.from());
      x1 = Math.max(x1, w.to());
    }
    for (Chart.Mark m : chart.marks()) {
      x0 = Math.min(x0, m.x());
      x1 = Math.max(x1, m.x());
    }
    if (!Double.isFinite(x0)) {
      x0 = 0;
      x1 = 1;
    }
    if (!Double.isFinite(y0)) {
      y0 = 0;
      y1 = 1;
    }
    y0 = Math.min(0, y0);
    if (y1 <= y0) {
      y1 = y0 + 1;
    }
    if (x1 <= x0) {
      x1 = x0 + 1;
    }
    if (x0 > 0 && x0 < (x1 - x0) * 0.1) {
      x0 = 0;
    }
    yTicks = ticks(y0, y1 + (y1 - y0) * 0.1, 6);
    xTicks = ticks(x0, x1, 10);
    xMin = x0;
    xMax = x1;
    yMin = Math.min(y0, yTicks.get(0));
    yMax = Math.max(y1, yTicks.get(yTicks.size() - 1));
  }

  double px(double x) {
    return LEFT + (x - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
  }

  double py(double y) {
    return TOP + PLOT_HEIGHT - (y - yMin) / (yMax - yMin) * PLOT_HEIGHT;
  }

  /** Series indexes per legend row, wrapping at the image width. */
  static List<List<Integer>> legendRows(Chart chart) {
    List<List<Integer>> rows = new ArrayList<>();
    List<Integer> row = new ArrayList<>();
    double x = LEFT;
    for (int i = 0; i < chart.series().size(); i++) {
      double w = legendEntryWidth(chart.series().get(i).name());
      if (!row.isEmpty() && x + w > WIDTH - RIGHT) {
        rows.add(row);
        row = new ArrayList<>();
        x = LEFT;
      }
      row.add(i);
      x += w;
    }
    if (!row.isEmpty()) {
      rows.add(row);
    }
    return rows;
  }

  static double legendEntryWidth(String name) {
    return 30 + Canvas.textWidth(name, 12) + 16;
  }

  /** Ticks covering [lo, hi] (the last one at or above hi) with about {@code target} steps of 1, 2 or 5 × 10^k. */
  static List<Double> ticks(double lo, double hi, int target) {
    double raw = (hi - lo) / Math.max(1, target);
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double norm = raw / mag;
    double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
    List<Double> out = new ArrayList<>();
    double start = Math.floor(lo / step) * step;
    for (int i = 0; i < 50; i++) {
      double v = start + i * step;
      out.add(Math.abs(v) < step * 1e-9 ? 0 : v);
      if (v >= hi - step * 1e-9) {
        break;
      }
    }
    if (out.size() < 2) {
      out.add(start + step);
    }
    return out;
  }

  /** A tick label: thousands as k, millions as M, up to 2 decimals. */
  static String label(double v) {
    DecimalFormat f = new DecimalFormat("0.##", DecimalFormatSymbols.getInstance(Locale.ROOT));
    double a = Math.abs(v);
    if (a >= 1e9) {
      return f.format(v / 1e9) + "G";
    }
    if (a >= 1e6) {
      return f.format(v / 1e6) + "M";
    }
    if (a >= 1e4) {
      return f.format(v / 1e3) + "k";
    }
    return f.format(v);
  }

  static String color(int i) {
    return PALETTE[i % PALETTE.length];
  }
}
