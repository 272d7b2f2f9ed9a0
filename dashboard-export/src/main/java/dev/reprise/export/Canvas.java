package dev.reprise.export;

/**
 * The drawing operations {@link ChartRenderer} needs, in pixels with y down. Implemented once for
 * PNG ({@link PngCanvas}, java.awt in headless mode) and once for SVG ({@link SvgCanvas}, text), so
 * both images come from the same drawing code and look the same.
 */
interface Canvas {
  enum Anchor { START, MIDDLE, END }

  void rect(double x, double y, double w, double h, String fill, double opacity);

  void line(double x1, double y1, double x2, double y2, String color, double width, boolean dashed);

  /** A connected line through {@code n} points. */
  void polyline(double[] xs, double[] ys, int n, String color, double width, boolean dashed);

  void circle(double cx, double cy, double r, String fill);

  /** Text with its baseline at y; {@code vertical} rotates it 90° counter-clockwise around (x, y). */
  void text(double x, double y, String s, double size, String color, Anchor anchor, boolean bold, boolean vertical);

  /** Estimated width of {@code s} at {@code size} (the same estimate in both formats, so layouts agree). */
  static double textWidth(String s, double size) {
    return s.length() * size * 0.56;
  }
}
