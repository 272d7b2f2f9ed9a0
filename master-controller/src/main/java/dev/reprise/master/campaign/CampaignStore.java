package dev.reprise.master.campaign;

import dev.reprise.fdsl.record.CampaignManifest;
import dev.reprise.fdsl.record.RecordJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@code campaign.json} in a campaign folder: written to {@code campaign.json.tmp}, forced to disk,
 * then renamed over the old one atomically, so a campaign killed at any instant (even by a power
 * cut, once the rename is on disk) leaves either the old or the new manifest, never a torn one.
 */
public final class CampaignStore {
  public static final String FILE = "campaign.json";
  private final Path dir;

  public CampaignStore(Path campaignDir) {
    this.dir = campaignDir;
  }

  public Path dir() {
    return dir;
  }

  public Path file() {
    return dir.resolve(FILE);
  }

  public boolean exists() {
    return Files.isRegularFile(file());
  }

  /** Replaces campaign.json with {@code manifest} atomically. */
  public void write(CampaignManifest manifest) {
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(FILE + ".tmp");
      byte[] bytes = (RecordJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(manifest) + "\n")
          .getBytes(StandardCharsets.UTF_8);
      try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(bytes));
        ch.force(true);
      }
      try {
        Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file() + ": " + e.getMessage(), e);
    }
  }

  /** The manifest as last written. */
  public CampaignManifest read() throws IOException {
    return RecordJson.mapper().readValue(Files.readString(file()), CampaignManifest.class);
  }
}
