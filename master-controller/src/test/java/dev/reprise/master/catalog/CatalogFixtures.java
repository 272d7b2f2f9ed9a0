package dev.reprise.master.catalog;

import dev.reprise.master.catalog.RunCatalog.CampaignRef;
import dev.reprise.master.catalog.RunCatalog.CatalogFault;
import dev.reprise.master.catalog.RunCatalog.CatalogRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Run folders for the catalog's tests: dashboard-export's fixtures ({@code fault-run}: a kill, then a
 * 10 s CPU burn healed at its planned end, with a client workload; {@code baseline-run}: no faults),
 * copied so a test can edit them; and synthetic catalog rows.
 */
public final class CatalogFixtures {
  public static final Path RUNS = Path.of("../dashboard-export/src/test/resources/runs").toAbsolutePath().normalize();

  private CatalogFixtures() {}

  /** A copy of fixture {@code name} as {@code parent/runId}. */
  public static Path copy(String name, Path parent, String runId) {
    Path from = RUNS.resolve(name);
    Path to = parent.resolve(runId);
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else Files.copy(p, target);
      }
      if (!runId.equals(name)) {
        Path runJson = to.resolve("run.json");
        Files.writeString(runJson, Files.readString(runJson).replace("\"" + name + "-20261123T100000Z\"", "\"" + runId + "\""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return to;
  }

  /** Replaces {@code from} with {@code to} in {@code file} of {@code dir}. */
  public static void edit(Path dir, String file, String from, String to) throws IOException {
    Path f = dir.resolve(file);
    String text = Files.readString(f);
    if (!text.contains(from)) throw new IllegalArgumentException(f + " has no " + from);
    Files.writeString(f, text.replace(from, to));
  }

  /** A synthetic run {@code id} started at {@code start} with one fault of each of {@code types}. */
  public static CatalogRun run(String id, Instant start, CampaignRef campaign, String... types) {
    var faults = new ArrayList<CatalogFault>();
    for (int i = 0; i < types.length; i++) {
      Instant at = start.plusSeconds(5 + i);
      faults.add(new CatalogFault(types[i], "db", "db " + i, "node-1", at, types[i].equals("kill") ? null : at.plusSeconds(10),
          !types[i].equals("kill"), "ok"));
    }
    return new CatalogRun(id, "synthetic", "local", id, "/runs/" + id, 42, "ab".repeat(32), "ok", null, start,
        start.plusSeconds(60), 8.0, 250.5, 3.25, null, campaign, List.copyOf(faults));
  }
}
