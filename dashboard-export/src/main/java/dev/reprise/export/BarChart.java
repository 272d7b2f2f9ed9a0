package dev.reprise.export;

import dev.reprise.export.Canvas.Anchor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Side-by-side bars of two runs (baseline, failure run) for a few figures with different units: one
 * small panel per figure, each with its own scale from 0, a bar per run with its value written above
 * (or "no data"). Drawn through the same {@link Canvas} as the line charts, so PNG and SVG agree. Pure.
 *
 * @param id file-name-safe identifier
 * @param title shown above the panels
 * @param names the two runs' legend names (baseline first)
 * @param panels the figures
 */
public record BarChart(String id, String title, List<String> names, List<Panel> panels) {
  public BarChart {
    names = List.copyOf(names);
    panels = List.copyOf(panels);
  }

  /** One figure: {@code values} in the order of {@link #names()}, null where unknown. */
  public record Panel(String title, String unit, List<Double> values, int decimals) {
    public Panel {
      values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }
  }

  static final int WIDTH = 960;
  static final int HEIGHT = 380;
  static final String[] COLORS = {"#9aa5b1", "#5470c6"};

  public byte[] png() {
    PngCanvas c = new PngCanvas(WIDTH, HEIGHT);
    draw(c);
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
    try {
      c.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public byte[] svg() {
    SvgCanvas c = new SvgCanvas(WIDTH, HEIGHT);
    draw(c);
    return c.document().getBytes(StandardCharsets.UTF_8);
  }

  void draw(Canvas c) {
    c.rect(0, 0, WIDTH, HEIGHT, "#ffffff", 1);
    c.text(WIDTH / 2.0, 24, title, 16, "#333333", Anchor.MIDDLE, true, false);
    double top = 70;
    double bottom = HEIGHT - 60;
    double panelWidth = (WIDTH - 40.0) / Math.max(1, panels.size());
    for (int p = 0; p < panels.size(); p++) {
      Panel panel = panels.get(p);
      double x0 = 20 + p * panelWidth;
      c.text(x0 + panelWidth / 2, top - 22, panel.title() + " (" + panel.unit() + ")", 13, "#333333", Anchor.MIDDLE, true, false);
      double max = 0;
      for (Double v : panel.values()) if (v != null && Double.isFinite(v)) max = Math.max(max, v);
      if (max <= 0) max = 1;
      max *= 1.15;
      c.line(x0 + 20, bottom, x0 + panelWidth - 20, bottom, "#333333", 1.2, false);
      int n = panel.values().size();
      double slot = (panelWidth - 60) / Math.max(1, n);
      for (int i = 0; i < n; i++) {
        Double v = panel.values().get(i);
        double bx = x0 + 30 + i * slot + slot * 0.15;
        double bw = slot * 0.7;
        if (v == null || !Double.isFinite(v)) {
          c.text(bx + bw / 2, bottom - 8, "no data", 12, "#888888", Anchor.MIDDLE, false, false);
        } else {
          double h = (bottom - top) * v / max;
          c.rect(bx, bottom - h, bw, h, COLORS[i % COLORS.length], 1);
          c.text(bx + bw / 2, bottom - h - 6, String.format(Locale.ROOT, "%." + panel.decimals() + "f", v), 12, "#333333",
              Anchor.MIDDLE, false, false);
        }
        c.text(bx + bw / 2, bottom + 18, names.get(i), 12, "#333333", Anchor.MIDDLE, false, false);
      }
    }
    // legend
    double x = 40;
    for (int i = 0; i < names.size(); i++) {
      c.rect(x, HEIGHT - 26, 14, 12, COLORS[i % COLORS.length], 1);
      c.text(x + 20, HEIGHT - 16, names.get(i), 12, "#333333", Anchor.START, false, false);
      x += 40 + Canvas.textWidth(names.get(i), 12);
    }
  }
}
