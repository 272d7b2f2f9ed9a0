package dev.reprise.export;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import javax.imageio.ImageIO;

/** A {@link Canvas} on a {@link BufferedImage}; needs no display (java.awt.headless is set before first use). */
final class PngCanvas implements Canvas {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private final BufferedImage image;
  private final Graphics2D g;

  PngCanvas(int width, int height) {
    image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
  }

  BufferedImage image() {
    return image;
  }

  void writeTo(OutputStream out) throws IOException {
    g.dispose();
    if (!ImageIO.write(image, "png", out)) {
      throw new IOException("no PNG writer in this JDK");
    }
  }

  private static Color color(String hex, double opacity) {
    int rgb = Integer.parseInt(hex.substring(1), 16);
    return new Color((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, (int) Math.round(opacity * 255));
  }

  private static BasicStroke stroke(double width, boolean dashed) {
    return dashed
        ? new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f)
        : new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
  }

  @Override
  public void rect(double x, double y, double w, double h, String fill, double opacity) {
    g.setColor(color(fill, opacity));
    g.fill(new Rectangle2D.Double(x, y, w, h));
  }

  @Override
  public void line(double x1, double y1, double x2, double y2, String color, double width, boolean dashed) {
    g.setColor(color(color, 1));
    g.setStroke(stroke(width, dashed));
    g.draw(new Line2D.Double(x1, y1, x2, y2));
  }

  @Override
  public void polyline(double[] xs, double[] ys, int n, String color, double width, boolean dashed) {
    if (n < 2) {
      return;
    }
    Path2D.Double p = new Path2D.Double();
    p.moveTo(xs[0], ys[0]);
    for (int i = 1; i < n; i++) {
      p.lineTo(xs[i], ys[i]);
    }
    g.setColor(color(color, 1));
    g.setStroke(stroke(width, dashed));
    g.draw(p);
  }

  @Override
  public void circle(double cx, double cy, double r, String fill) {
    g.setColor(color(fill, 1));
    g.fill(new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r));
  }

  @Override
  public void text(double x, double y, String s, double size, String color, Anchor anchor, boolean bold,
      boolean vertical) {
    g.setFont(new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, (int) Math.round(size)));
    g.setColor(color(color, 1));
    double w = g.getFontMetrics().stringWidth(s);
    double dx = anchor == Anchor.START ? 0 : anchor == Anchor.MIDDLE ? -w / 2 : -w;
    if (vertical) {
      AffineTransform saved = g.getTransform();
      g.rotate(-Math.PI / 2, x, y);
      g.drawString(s, (float) (x + dx), (float) y);
      g.setTransform(saved);
    } else {
      g.drawString(s, (float) (x + dx), (float) y);
    }
  }
}
