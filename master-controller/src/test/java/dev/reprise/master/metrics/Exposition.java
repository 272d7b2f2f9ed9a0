package dev.reprise.master.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape of a metrics URL read back: every sample of the Prometheus text format as
 * {@code name{label="value",...}} (labels sorted by name, so a test's expectation does not depend on
 * the writer's order) → value. Test helper.
 */
final class Exposition {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\S+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  final String text;
  final Map<String, Double> samples;

  private Exposition(String text, Map<String, Double> samples) {
    this.text = text;
    this.samples = samples;
  }

  static Exposition scrape(String url) throws IOException, InterruptedException {
    var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    var response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) throw new IOException("GET " + url + ": HTTP " + response.statusCode());
    return parse(response.body());
  }

  static Exposition parse(String text) {
    var samples = new LinkedHashMap<String, Double>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      Matcher m = SAMPLE.matcher(line.trim());
      if (!m.matches()) throw new IllegalArgumentException("not a sample line: " + line);
      var labels = new TreeMap<String, String>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) labels.put(l.group(1), l.group(2));
      }
      samples.put(key(m.group(1), labels), Double.parseDouble(m.group(4).replace("+Inf", "Infinity")));
    }
    return new Exposition(text, samples);
  }

  /** The sample key of {@code name} with labels given as {@code k1, v1, k2, v2, ...}. */
  static String series(String name, String... labelsKv) {
    var labels = new TreeMap<String, String>();
    for (int i = 0; i < labelsKv.length; i += 2) labels.put(labelsKv[i], labelsKv[i + 1]);
    return key(name, labels);
  }

  private static String key(String name, Map<String, String> labels) {
    if (labels.isEmpty()) return name;
    var sb = new StringBuilder(name).append('{');
    labels.forEach((k, v) -> sb.append(k).append("=\"").append(v).append("\","));
    sb.setLength(sb.length() - 1);
    return sb.append('}').toString();
  }

  /** The samples of one metric name (exactly that name, e.g. {@code x_total} or {@code x_bucket}). */
  Map<String, Double> of(String name) {
    var m = new TreeMap<String, Double>();
    samples.forEach((k, v) -> {
      if (k.equals(name) || k.startsWith(name + "{")) m.put(k, v);
    });
    return m;
  }
}
