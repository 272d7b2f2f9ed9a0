package dev.reprise.export;

import java.util.List;

/**
 * One plot, independent of how it is drawn: the PNG and SVG renderers and the HTML report's
 * ECharts options are all made from this. x is seconds since T0 unless {@link #xLabel} says
 * otherwise. NaN y values are gaps.
 *
 * @param id file-name-safe identifier ({@code throughput}, {@code cpu-per-container}, ...)
 * @param title shown above the plot
 * @param xLabel x axis title
 * @param yLabel y axis title with unit
 * @param series the lines
 * @param windows shaded x ranges (fault windows)
 * @param marks vertical lines (marks, instantaneous faults)
 * @param step draw lines as steps (counts such as alive containers)
 * @param points draw markers only, no connecting line (e.g. firing error per action)
 */
public record Chart(
    String id,
    String title,
    String xLabel,
    String yLabel,
    List<Series> series,
    List<Window> windows,
    List<Mark> marks,
    boolean step,
    boolean points) {

  public Chart {
    series = List.copyOf(series);
    windows = List.copyOf(windows);
    marks = List.copyOf(marks);
  }

  /**
   * A named line; {@code dashed} for expected/planned values; {@code color} the palette index to
   * draw it with (-1: its position in the chart), so a planned series can share its actual's colour.
   */
  public record Series(String name, double[] x, double[] y, boolean dashed, int color) {
    public Series(String name, double[] x, double[] y, boolean dashed) {
      this(name, x, y, dashed, -1);
    }

    public Series {
      if (x.length != y.length) {
        throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length + " y values");
      }
    }
  }

  /**
   * A shaded range [from, to] with a label, in {@code color} ({@code #rrggbb}; null: the fault colour,
   * red). Fault windows are red; a comparison's anomaly windows have their own colour.
   */
  public record Window(double from, double to, String label, String color) {
    public Window(double from, double to, String label) {
      this(from, to, label, null);
    }
  }

  /** A vertical line at {@code x} with a label; {@code fault} for an instantaneous fault (drawn red), else a mark. */
  public record Mark(double x, String label, boolean fault) {}

  /** True when at least one series has a finite value. */
  public boolean hasData() {
    for (Series s : series) {
      for (double v : s.y()) {
        if (Double.isFinite(v)) {
          return true;
        }
      }
    }
    return false;
  }
}
