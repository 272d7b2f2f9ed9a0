package dev.reprise.master.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Ships files to a host's work dir over SFTP, skipping every file whose SHA-256 already matches the
 * remote copy (one {@code sha256sum} round trip for all files). Stateless; callable from any thread.
 */
public final class Shipper {

  /** One file to ship: {@code local} goes to {@code <work_dir>/<remote>}. */
  public record Item(Path local, String remote) {}

  /** What shipping did on one host, remote paths relative to the work dir. */
  public record Report(List<String> copied, List<String> skipped) {}

  private Shipper() {}

  public static Report ship(RemoteHost host, List<Item> items) throws IOException {
    String work = host.spec().workDir();
    var remoteSums = remoteSums(host, work, items);
    var copied = new ArrayList<String>();
    var skipped = new ArrayList<String>();
    for (Item item : items) {
      String sum = sha256(item.local());
      if (sum.equals(remoteSums.get(item.remote()))) {
        skipped.add(item.remote());
      } else {
        host.upload(item.local(), work + "/" + item.remote());
        copied.add(item.remote());
      }
    }
    return new Report(copied, skipped);
  }

  private static Map<String, String> remoteSums(RemoteHost host, String work, List<Item> items) throws IOException {
    var sums = new HashMap<String, String>();
    if (items.isEmpty()) return sums;
    var cmd = new StringBuilder("cd ").append(Shell.quote(work)).append(" 2>/dev/null && sha256sum --");
    for (Item i : items) cmd.append(' ').append(Shell.quote(i.remote()));
    // missing files make sha256sum exit 1; the ones it could read are still listed
    var r = host.exec(cmd + " 2>/dev/null; true", Duration.ofSeconds(60));
    for (String line : r.stdout().split("\n")) {
      int sp = line.indexOf("  ");
      if (sp == 64) sums.put(line.substring(sp + 2), line.substring(0, 64));
    }
    return sums;
  }

  /** The hex SHA-256 of a local file. */
  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      var md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Every regular file below {@code dir} as items under {@code remotePrefix/} (empty when dir does not exist). */
  public static List<Item> tree(Path dir, String remotePrefix) throws IOException {
    var items = new ArrayList<Item>();
    if (!Files.isDirectory(dir)) return items;
    try (var files = Files.walk(dir)) {
      files.filter(Files::isRegularFile).sorted().forEach(f ->
          items.add(new Item(f, remotePrefix + "/" + dir.relativize(f).toString().replace('\\', '/'))));
    }
    return items;
  }
}
