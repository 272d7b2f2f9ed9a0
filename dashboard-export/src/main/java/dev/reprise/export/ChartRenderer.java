package dev.reprise.export;

import dev.reprise.export.Canvas.Anchor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Draws a {@link Chart} as PNG or SVG: title, grid, labelled axes, shaded fault windows with their
 * labels, dashed vertical lines for marks (grey) and instantaneous faults (red), the series, and a
 * legend under the plot. Pure: the same chart gives the same SVG text. Thread-safe (no state).
 */
public final class ChartRenderer {
  static final String FAULT_COLOR = "#d62728";
  static final String MARK_COLOR = "#555555";
  private static final String AXIS = "#333333";
  private static final String GRID = "#e3e3e3";
  private static final String NO_DATA = "no data recorded for this plot";

  /** The chart as PNG bytes. */
  public byte[] png(Chart chart) {
    PlotLayout layout = new PlotLayout(chart);
    PngCanvas canvas = new PngCanvas(PlotLayout.WIDTH, layout.height);
    draw(chart, layout, canvas);
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      canvas.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The chart as an SVG document (UTF-8 bytes). */
  public byte[] svg(Chart chart) {
    PlotLayout layout = new PlotLayout(chart);
    SvgCanvas canvas = new SvgCanvas(PlotLayout.WIDTH, layout.height);
    draw(chart, layout, canvas);
    return canvas.document().getBytes(StandardCharsets.UTF_8);
  }

  void draw(Chart chart, PlotLayout l, Canvas c) {
    int w = PlotLayout.WIDTH;
    double left = PlotLayout.LEFT;
    double right = w - PlotLayout.RIGHT;
    double top = PlotLayout.TOP;
    double bottom = PlotLayout.TOP + PlotLayout.PLOT_HEIGHT;
    c.rect(0, 0, w, l.height, "#ffffff", 1);
    c.text(w / 2.0, 24, chart.title(), 16, AXIS, Anchor.MIDDLE, true, false);

    // fault windows under everything else, so lines stay visible
    double labelRowY = top - 6;
    double lastLabelEnd = Double.NEGATIVE_INFINITY;
    for (Chart.Window win : chart.windows()) {
      double x0 = l.px(win.from());
      double x1 = Math.max(l.px(win.to()), x0 + 2);
      String color = win.color() != null ? win.color() : FAULT_COLOR;
      c.rect(x0, top, x1 - x0, bottom - top, color, win.color() != null ? 0.22 : 0.14);
      c.line(x0, top, x0, bottom, color, 1, false);
      String label = win.label();
      if (x0 > lastLabelEnd + 4) {
        c.text(x0 + 2, labelRowY, label, 11, color, Anchor.START, false, false);
        lastLabelEnd = x0 + 2 + Canvas.textWidth(label, 11);
      }
    }
    // grid and y ticks
    for (double t : l.yTicks) {
      double y = l.py(t);
      if (y < top - 0.5 || y > bottom + 0.5) {
        continue;
      }
      c.line(left, y, right, y, GRID, 1, false);
      c.text(left - 6, y + 4, PlotLayout.label(t), 11, AXIS, Anchor.END, false, false);
    }
    for (double t : l.xTicks) {
      double x = l.px(t);
      if (x < left - 0.5 || x > right + 0.5) {
        continue;
      }
      c.line(x, top, x, bottom, GRID, 1, false);
      c.line(x, bottom, x, bottom + 5, AXIS, 1, false);
      c.text(x, bottom + 18, PlotLayout.label(t), 11, AXIS, Anchor.MIDDLE, false, false);
    }
    c.line(left, bottom, right, bottom, AXIS, 1.2, false);
    c.line(left, top, left, bottom, AXIS, 1.2, false);
    c.text((left + right) / 2, bottom + 40, chart.xLabel(), 13, AXIS, Anchor.MIDDLE, false, false);
    c.text(20, (top + bottom) / 2, chart.yLabel(), 13, AXIS, Anchor.MIDDLE, false, true);

    // labels of close marks go on up to three staggered rows; a label that fits on none is left out
    double[] rowEnd = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
    List<Chart.Mark> marks = new java.util.ArrayList<>(chart.marks());
    marks.sort(java.util.Comparator.comparingDouble(Chart.Mark::x));
    for (Chart.Mark m : marks) {
      double x = l.px(m.x());
      String color = m.fault() ? FAULT_COLOR : MARK_COLOR;
      c.line(x, top, x, bottom, color, 1.4, true);
      if (m.label() != null && !m.label().isEmpty()) {
        for (int row = 0; row < rowEnd.length; row++) {
          if (x + 3 > rowEnd[row] + 4) {
            c.text(x + 3, top + 12 + 13 * row, m.label(), 11, color, Anchor.START, false, false);
            rowEnd[row] = x + 3 + Canvas.textWidth(m.label(), 11);
            break;
          }
        }
      }
    }

    if (!chart.hasData()) {
      c.text((left + right) / 2, (top + bottom) / 2, NO_DATA, 14, "#888888", Anchor.MIDDLE, false, false);
    }
    List<Chart.Series> series = chart.series();
    double[] xs = new double[0];
    double[] ys = new double[0];
    for (int i = 0; i < series.size(); i++) {
      Chart.Series s = series.get(i);
      String color = PlotLayout.color(s.color() >= 0 ? s.color() : i);
      if (chart.points()) {
        for (int k = 0; k < s.x().length; k++) {
          if (Double.isFinite(s.x()[k]) && Double.isFinite(s.y()[k])) {
            c.circle(l.px(s.x()[k]), l.py(s.y()[k]), 3.5, color);
          }
        }
        continue;
      }
      int cap = chart.step() ? s.x().length * 2 : s.x().length;
      if (xs.length < cap) {
        xs = new double[cap];
        ys = new double[cap];
      }
      int n = 0;
      for (int k = 0; k <= s.x().length; k++) {
        boolean gap = k == s.x().length || !Double.isFinite(s.x()[k]) || !Double.isFinite(s.y()[k]);
        if (gap) {
          if (n == 1) {
            c.circle(xs[0], ys[0], 1.6, color);
          }
          c.polyline(xs, ys, n, color, s.dashed() ? 1.6 : 1.8, s.dashed());
          n = 0;
          continue;
        }
        double px = l.px(s.x()[k]);
        double py = l.py(s.y()[k]);
        if (chart.step() && n > 0) {
          xs[n] = px;
          ys[n] = ys[n - 1];
          n++;
        }
        xs[n] = px;
        ys[n] = py;
        n++;
      }
    }
    // legend
    double y = bottom + PlotLayout.AXIS_BOTTOM + 4;
    for (List<Integer> row : l.legendRows) {
      double x = left;
      for (int i : row) {
        Chart.Series s = series.get(i);
        String color = PlotLayout.color(s.color() >= 0 ? s.color() : i);
        if (chart.points()) {
          c.circle(x + 11, y - 4, 4, color);
        } else {
          c.line(x, y - 4, x + 22, y - 4, color, 2.5, s.dashed());
        }
        c.text(x + 28, y, s.name(), 12, AXIS, Anchor.START, false, false);
        x += PlotLayout.legendEntryWidth(s.name());
      }
      y += PlotLayout.LEGEND_ROW;
    }
  }
}
