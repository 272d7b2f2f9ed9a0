package dev.reprise.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderFilesTest {
  @TempDir Path dir;

  @Test
  void findsAFileInsideAndRefusesEverythingElse() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("run"));
    Files.createDirectories(folder.resolve("hosts/a"));
    Files.writeString(folder.resolve("hosts/a/timeline.jsonl"), "x");
    Files.writeString(dir.resolve("outside.txt"), "o");
    Files.createSymbolicLink(folder.resolve("out.txt"), dir.resolve("outside.txt"));
    Files.createSymbolicLink(folder.resolve("in.txt"), folder.resolve("hosts/a/timeline.jsonl"));
    Files.createSymbolicLink(folder.resolve("up"), dir);

    assertThat(FolderFiles.resolve(folder, "hosts/a/timeline.jsonl")).isInstanceOf(FolderFiles.Found.class);
    assertThat(FolderFiles.resolve(folder, "in.txt")).as("a link inside the folder").isInstanceOf(FolderFiles.Found.class);
    assertThat(FolderFiles.resolve(folder, "../outside.txt")).isEqualTo(new FolderFiles.Refused("'..' in path"));
    assertThat(FolderFiles.resolve(folder, "hosts/./a")).isEqualTo(new FolderFiles.Refused("'.' in path"));
    assertThat(FolderFiles.resolve(folder, "/etc/passwd")).isEqualTo(new FolderFiles.Refused("absolute path"));
    assertThat(FolderFiles.resolve(folder, "a\\b")).isInstanceOf(FolderFiles.Refused.class);
    assertThat(FolderFiles.resolve(folder, "out.txt")).isEqualTo(new FolderFiles.Refused("outside the run folder"));
    assertThat(FolderFiles.resolve(folder, "up/outside.txt")).isEqualTo(new FolderFiles.Refused("outside the run folder"));
    assertThat(FolderFiles.resolve(folder, "hosts")).as("a folder").isInstanceOf(FolderFiles.Missing.class);
    assertThat(FolderFiles.resolve(folder, "none")).isInstanceOf(FolderFiles.Missing.class);
  }

  @Test
  void contentTypesByExtension() {
    assertThat(FolderFiles.contentType(Path.of("report.html"))).isEqualTo("text/html; charset=utf-8");
    assertThat(FolderFiles.contentType(Path.of("a.PNG"))).isEqualTo("image/png");
    assertThat(FolderFiles.contentType(Path.of("x.csv"))).isEqualTo("text/csv; charset=utf-8");
    assertThat(FolderFiles.contentType(Path.of("blob"))).isEqualTo("application/octet-stream");
  }
}
