package dev.reprise.master.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each source is read and scanned on its own thread and handed to the merging thread in batches:
 * the output, the counts and where a failing source fails are those of the single-threaded
 * original ({@link OriginalRecordMerge}), whatever the batch size, and no reader thread outlives
 * the merge.
 */
class RecordMergeThreadsTest {
  @TempDir Path dir;

  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  /** A sorted-ish file of {@code lines} records (some disorder within and beyond the window, garbled and host-tagged lines). */
  private Path file(String name, int lines, long seed) throws IOException {
    var r = new Random(seed);
    var sb = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      long ms = i * 3L + (r.nextInt(50) == 0 ? -r.nextInt(3000) : r.nextInt(5));
      String t = dev.reprise.fdsl.record.RecordJson.INSTANT_FORMAT.format(T0.plusMillis(ms));
      switch (r.nextInt(20)) {
        case 0 -> sb.append("garbled ").append(i);
        case 1 -> sb.append("{\"time\":\"").append(t).append("\",\"host\":\"own\",\"i\":").append(i).append('}');
        case 2 -> sb.append("{\"time\": \"").append(t).append("\", \"s\":\"\\u00e9\",\"i\":").append(i).append('}');
        default -> sb.append("{\"time\":\"").append(t).append("\",\"s\":\"ünï → \\t\",\"i\":").append(i).append('}');
      }
      sb.append(r.nextInt(10) == 0 ? "\r\n" : "\n");
    }
    Path p = dir.resolve(name);
    Files.writeString(p, sb, StandardCharsets.UTF_8);
    return p;
  }

  private List<RecordMerge.Source> sources(int files, int lines) throws IOException {
    var sources = new ArrayList<RecordMerge.Source>();
    for (int f = 0; f < files; f++) sources.add(new RecordMerge.Source("n" + f, file("f" + f + ".jsonl", lines, 77 + f)));
    return sources;
  }

  private static List<String> mergeThreads() {
    var names = new ArrayList<String>();
    for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().startsWith("record-merge-")) names.add(t.getName());
    return names;
  }

  @Test
  void everyBatchSizeGivesTheOriginalsBytesAndCounts() throws Exception {
    var sources = sources(3, 6000);
    Path expected = dir.resolve("expected.jsonl");
    var want = OriginalRecordMerge.mergeTo(sources, expected);
    assertThat(want.garbled()).isPositive();
    assertThat(want.outOfOrder()).isPositive();
    for (int batch : new int[] {1, 2, 7, 255, 256, 257, 5000}) {
      var out = new ByteArrayOutputStream();
      assertThat(RecordMerge.merge(sources, out, batch)).as("batch %d", batch).isEqualTo(want);
      assertThat(out.toByteArray()).as("batch %d", batch).isEqualTo(Files.readAllBytes(expected));
    }
    assertThat(mergeThreads()).isEmpty();
  }

  @Test
  void aSourceThatFailsLateFailsTheMergeWhereItsNextLineWouldBeMerged() throws Exception {
    var sources = sources(3, 4000);
    // line 3000 of the second source gets trailing bytes (garbled): once valid, once malformed UTF-8
    Path bad = sources.get(1).file();
    var lines = new ArrayList<>(Files.readAllLines(bad, StandardCharsets.UTF_8));
    var good = new StringWriter();
    write(bad, lines, new byte[] {'x'});
    var whole = RecordMerge.merge(sources, good);
    write(bad, lines, new byte[] {'"', (byte) 0xC3, '"'});
    assertThatThrownBy(() -> OriginalRecordMerge.merge(sources, new StringWriter())).isInstanceOf(MalformedInputException.class);
    for (int batch : new int[] {1, 100, 5000}) {
      var out = new ByteArrayOutputStream();
      assertThatThrownBy(() -> RecordMerge.merge(sources, out, batch)).isInstanceOf(MalformedInputException.class);
      // what was written is the good merge up to the second source's record after which its window had to read line 3000
      String partial = out.toString(StandardCharsets.UTF_8);
      assertThat(good.toString()).startsWith(partial);
      assertThat(partial).endsWith("\"host\":\"n1\"}\n");
      assertThat(partial.split("\n").length).isBetween(6000, (int) whole.records() - 3000);
    }
    assertThat(mergeThreads()).isEmpty();
  }

  private static void write(Path file, List<String> lines, byte[] suffixOfLine3000) throws IOException {
    var b = new ByteArrayOutputStream();
    for (int i = 0; i < lines.size(); i++) {
      b.write(lines.get(i).getBytes(StandardCharsets.UTF_8));
      if (i == 3000) b.write(suffixOfLine3000);
      b.write('\n');
    }
    Files.write(file, b.toByteArray());
  }

  @Test
  void linesAcrossAndLongerThanTheReadBufferAsBefore() throws Exception {
    // the reader scans lines where they lie in its 128 KiB buffer, moving an unfinished one to the front
    var r = new Random(5);
    var sb = new StringBuilder();
    String head = "{\"time\":\"2026-11-23T10:00:00.000000Z\",\"s\":\"";
    sb.append(head).append("x".repeat((1 << 17) - 1 - head.length() - 2)).append("\"}").append("\r\n"); // \r is the buffer's last byte
    for (int i = 0; i < 400; i++) {
      int len = r.nextInt(20) == 0 ? 100_000 + r.nextInt(300_000) : r.nextInt(3000);
      String t = dev.reprise.fdsl.record.RecordJson.INSTANT_FORMAT.format(T0.plusMillis(i));
      sb.append("{\"time\":\"").append(t).append("\",\"s\":\"").append("é".repeat(len / 2)).append("\"}");
      if (r.nextInt(30) == 0) sb.append(" trailing");
      sb.append(switch (r.nextInt(3)) { case 0 -> "\r"; case 1 -> "\r\n"; default -> "\n"; });
    }
    sb.append("{\"time\":\"2026-11-23T11:00:00.000000Z\"}"); // no final line end
    Path p = dir.resolve("long.jsonl");
    Files.writeString(p, sb, StandardCharsets.UTF_8);
    var sources = List.of(new RecordMerge.Source("n1", p), new RecordMerge.Source("n2", file("short.jsonl", 3000, 9)));
    Path expected = dir.resolve("expected.jsonl");
    var want = OriginalRecordMerge.mergeTo(sources, expected);
    for (int batch : new int[] {1, 1024}) {
      var out = new ByteArrayOutputStream();
      assertThat(RecordMerge.merge(sources, out, batch)).isEqualTo(want);
      assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(expected));
    }
  }

  @Test
  void aBadFirstWindowIsReportedBeforeALaterMissingFileAsBefore() throws Exception {
    Path bad = dir.resolve("bad.jsonl");
    Files.write(bad, new byte[] {'{', '"', 's', '"', ':', '"', (byte) 0xFF, '"', '}', '\n'});
    var sources = List.of(new RecordMerge.Source("n1", bad), new RecordMerge.Source("n2", dir.resolve("missing.jsonl")));
    assertThatThrownBy(() -> OriginalRecordMerge.merge(sources, new StringWriter())).isInstanceOf(MalformedInputException.class);
    assertThatThrownBy(() -> RecordMerge.merge(sources, new StringWriter())).isInstanceOf(MalformedInputException.class);
    var good = List.of(new RecordMerge.Source("n1", file("good.jsonl", 10, 1)), sources.get(1));
    assertThatThrownBy(() -> RecordMerge.merge(good, new StringWriter())).isInstanceOf(NoSuchFileException.class);
    assertThat(mergeThreads()).isEmpty();
  }

  @Test
  void aSinkThatFailsStopsTheReaders() throws Exception {
    var sources = sources(3, 20_000);
    var failing = new java.io.OutputStream() {
      long n;

      @Override
      public void write(int c) throws IOException {
        write(new byte[] {(byte) c}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        n += len;
        if (n > 300_000) throw new IOException("disk full");
      }
    };
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    assertThatThrownBy(() -> RecordMerge.merge(sources, failing, 64)).hasMessage("disk full");
    // the merge joins its readers before it returns or throws
    assertThat(mergeThreads()).isEmpty();
    assertThat(System.nanoTime()).isLessThan(deadline);
  }
}
