package dev.reprise.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Collects what the generator prints on stdout, one parsed JSON line at a time (thread-safe). */
final class LineCollector extends OutputStream {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ByteArrayOutputStream current = new ByteArrayOutputStream();
  private final List<JsonNode> lines = new ArrayList<>();

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      String line = current.toString(StandardCharsets.UTF_8);
      current.reset();
      try {
        lines.add(JSON.readTree(line));
      } catch (IOException e) {
        throw new UncheckedIOException("stdout line is not JSON: " + line, e);
      }
    } else {
      current.write(b);
    }
  }

  synchronized List<JsonNode> lines() {
    return List.copyOf(lines);
  }

  /** Adds a line that a child process printed. */
  synchronized void add(String line) {
    for (byte b : (line + "\n").getBytes(StandardCharsets.UTF_8)) {
      write(b);
    }
  }

  static long errors(JsonNode line) {
    long n = 0;
    for (JsonNode v : line.get("errors")) {
      n += v.asLong();
    }
    return n;
  }
}
