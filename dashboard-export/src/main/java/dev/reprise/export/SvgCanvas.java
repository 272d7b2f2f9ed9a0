package dev.reprise.export;

import java.util.Locale;

/** A {@link Canvas} that writes SVG 1.1 text; no dependencies. */
final class SvgCanvas implements Canvas {
  private final StringBuilder out = new StringBuilder(64 * 1024);
  private final int width;
  private final int height;

  SvgCanvas(int width, int height) {
    this.width = width;
    this.height = height;
  }

  /** The whole document. */
  String document() {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height
        + "\" viewBox=\"0 0 " + width + " " + height + "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
        + out + "</svg>\n";
  }

  private static String n(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> {
          if (c >= 0x20 || c == '\t') {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  @Override
  public void rect(double x, double y, double w, double h, String fill, double opacity) {
    out.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
        .append("\" height=\"").append(n(h)).append("\" fill=\"").append(fill).append('"');
    if (opacity < 1) {
      out.append(" fill-opacity=\"").append(n(opacity)).append('"');
    }
    out.append("/>\n");
  }

  @Override
  public void line(double x1, double y1, double x2, double y2, String color, double width, boolean dashed) {
    out.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
        .append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(color).append("\" stroke-width=\"")
        .append(n(width)).append('"').append(dashed ? " stroke-dasharray=\"6,4\"" : "").append("/>\n");
  }

  @Override
  public void polyline(double[] xs, double[] ys, int n, String color, double width, boolean dashed) {
    if (n < 2) {
      return;
    }
    out.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"").append(n(width))
        .append("\" stroke-linejoin=\"round\"").append(dashed ? " stroke-dasharray=\"6,4\"" : "").append(" points=\"");
    for (int i = 0; i < n; i++) {
      out.append(n(xs[i])).append(',').append(n(ys[i])).append(' ');
    }
    out.append("\"/>\n");
  }

  @Override
  public void circle(double cx, double cy, double r, String fill) {
    out.append("<circle cx=\"").append(n(cx)).append("\" cy=\"").append(n(cy)).append("\" r=\"").append(n(r))
        .append("\" fill=\"").append(fill).append("\"/>\n");
  }

  @Override
  public void text(double x, double y, String s, double size, String color, Anchor anchor, boolean bold,
      boolean vertical) {
    out.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" font-size=\"").append(n(size))
        .append("\" fill=\"").append(color).append('"');
    if (anchor != Anchor.START) {
      out.append(" text-anchor=\"").append(anchor == Anchor.MIDDLE ? "middle" : "end").append('"');
    }
    if (bold) {
      out.append(" font-weight=\"bold\"");
    }
    if (vertical) {
      out.append(" transform=\"rotate(-90 ").append(n(x)).append(' ').append(n(y)).append(")\"");
    }
    out.append('>').append(escape(s)).append("</text>\n");
  }
}
