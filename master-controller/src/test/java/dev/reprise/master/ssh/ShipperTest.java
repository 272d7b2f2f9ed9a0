package dev.reprise.master.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShipperTest {
  @TempDir Path dir;

  @Test
  void copiesNewAndChangedFilesAndSkipsFilesWhoseChecksumMatches() throws Exception {
    Path faults = Files.createDirectories(dir.resolve("faults/sub"));
    Files.writeString(dir.resolve("faults/a.sh"), "echo a\n");
    Files.writeString(faults.resolve("b.sh"), "echo b\n");
    var host = new FakeRemoteHost("n1", "/w");
    var items = Shipper.tree(dir.resolve("faults"), "faults");
    assertThat(items).extracting(Shipper.Item::remote).containsExactly("faults/a.sh", "faults/sub/b.sh");

    var first = Shipper.ship(host, items);
    assertThat(first.copied()).containsExactly("faults/a.sh", "faults/sub/b.sh");
    assertThat(first.skipped()).isEmpty();

    Files.writeString(dir.resolve("faults/a.sh"), "echo changed\n");
    host.calls.clear();
    var second = Shipper.ship(host, items);
    assertThat(second.copied()).containsExactly("faults/a.sh");
    assertThat(second.skipped()).containsExactly("faults/sub/b.sh");
    assertThat(host.calls).containsExactly(
        "exec cd /w 2>/dev/null && sha256sum -- faults/a.sh faults/sub/b.sh 2>/dev/null; true",
        "upload a.sh -> /w/faults/a.sh");
    assertThat(new String(host.files.get("/w/faults/a.sh"))).isEqualTo("echo changed\n");
  }

  @Test
  void nothingToShipMakesNoRoundTrip() throws Exception {
    var host = new FakeRemoteHost("n1", "/w");
    assertThat(Shipper.ship(host, List.of()).copied()).isEmpty();
    assertThat(host.calls).isEmpty();
    assertThat(Shipper.tree(dir.resolve("missing"), "faults")).isEmpty();
  }

  @Test
  void shellQuotingKeepsOddNamesOneWord() {
    assertThat(Shell.quote("/var/tmp/reprise")).isEqualTo("/var/tmp/reprise");
    assertThat(Shell.quote("it's here")).isEqualTo("'it'\"'\"'s here'");
    assertThat(Shell.quote("")).isEqualTo("''");
  }
}
