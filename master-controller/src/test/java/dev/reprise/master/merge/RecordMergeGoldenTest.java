package dev.reprise.master.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merge writes the same bytes as before issue 18: {@code merge-golden/merged.golden.jsonl} was
 * written by the original Jackson-tree merge ({@link OriginalRecordMerge}, before the byte-level
 * rewrite) from the fixture next to it: four sources of three hosts (one host with a recovered file),
 * many ties on time, garbled lines of many kinds, disorder within and beyond the window, CRLF line
 * ends, a file without a final newline, records with and without (and with a null) {@code host},
 * non-canonical JSON (spaces, escapes, number forms, duplicate keys) that the merge re-serialises.
 */
class RecordMergeGoldenTest {
  @TempDir Path dir;

  static Path fixture(String name) throws URISyntaxException {
    return Path.of(RecordMergeGoldenTest.class.getResource("/merge-golden/" + name).toURI());
  }

  static List<RecordMerge.Source> sources() throws URISyntaxException {
    return List.of(new RecordMerge.Source("n1", fixture("a.jsonl")), new RecordMerge.Source("n2", fixture("b.jsonl")),
        new RecordMerge.Source("n3", fixture("c.jsonl")), new RecordMerge.Source("n3", fixture("c.recovered.jsonl")));
  }

  @Test
  void mergedFileIsByteIdenticalToTheOriginalMergesOutput() throws Exception {
    Path out = dir.resolve("merged.jsonl");
    var r = RecordMerge.mergeTo(sources(), out);
    assertThat(r).isEqualTo(new RecordMerge.Result(4121, 71, 73));
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(fixture("merged.golden.jsonl")));
  }

  @Test
  void writerOutputIsTheSameText() throws Exception {
    var w = new java.io.StringWriter();
    var r = RecordMerge.merge(sources(), w);
    assertThat(r).isEqualTo(new RecordMerge.Result(4121, 71, 73));
    assertThat(w.toString()).isEqualTo(Files.readString(fixture("merged.golden.jsonl")));
  }
}
