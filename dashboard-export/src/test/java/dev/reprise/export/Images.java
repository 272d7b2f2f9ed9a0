package dev.reprise.export;

import java.awt.image.BufferedImage;

/** Pixel statistics for "the image is not blank" assertions. */
final class Images {
  private Images() {}

  /** Variance of the grey level over all pixels. */
  static double variance(BufferedImage img) {
    double sum = 0;
    double sq = 0;
    long n = (long) img.getWidth() * img.getHeight();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        double g = (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff)) / 3.0;
        sum += g;
        sq += g * g;
      }
    }
    double mean = sum / n;
    return sq / n - mean * mean;
  }

  /** Pixels that are clearly coloured (not white, grey or black): drawn series, not axes or text. */
  static long colouredPixels(BufferedImage img) {
    long count = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
          count++;
        }
      }
    }
    return count;
  }
}
