package dev.reprise.master.catalog;

import dev.reprise.master.catalog.RunCatalog.CampaignRef;
import dev.reprise.master.catalog.RunCatalog.CatalogFault;
import dev.reprise.master.catalog.RunCatalog.CatalogQuery;
import dev.reprise.master.catalog.RunCatalog.CatalogRun;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The catalog benchmark's tool ({@code scripts/bench-catalog.sh}): fills a catalog with synthetic
 * runs, then times {@link RunCatalog#list} filtered by fault type in this warm JVM (the database's
 * query and reading the rows; opening the catalog excluded).
 *
 * <p>{@code java -cp master-all.jar dev.reprise.master.catalog.CatalogBench LOCATION RUNS FAULT_TYPE}:
 * RUNS runs (seeded, so the same every time) of 1–4 faults each drawn from 8 fault types, one run a
 * minute back from 2026-12-01, every tenth in a campaign; prints the insert time and the median and
 * max of 7 timed queries (after 3 untimed), for the newest 50 and for all matches.
 */
public final class CatalogBench {
  private static final String[] TYPES = {"kill", "cpu", "memory", "network", "partition", "pause", "restart", "disk_fill"};

  private CatalogBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: CatalogBench LOCATION RUNS FAULT_TYPE");
      System.exit(2);
    }
    int n = Integer.parseInt(args[1]);
    try (var catalog = (JdbcRunCatalog) Catalogs.open(args[0], Path.of("."), Map.of())) {
      long t = System.nanoTime();
      var random = new Random(7);
      Instant base = Instant.parse("2026-12-01T00:00:00Z");
      var batch = new ArrayList<CatalogRun>();
      for (int i = 0; i < n; i++) {
        batch.add(run(i, base.minusSeconds(60L * i), random));
        if (batch.size() == 5000) {
          catalog.put(batch);
          batch.clear();
        }
      }
      catalog.put(batch);
      System.out.printf(Locale.ROOT, "inserted %d runs in %.1f s%n", n, (System.nanoTime() - t) / 1e9);
      for (int limit : new int[] {50, 0}) {
        var q = new CatalogQuery(null, args[2], null, limit);
        int rows = 0;
        for (int i = 0; i < 3; i++) rows = catalog.list(q).size();
        double[] ms = new double[7];
        for (int i = 0; i < ms.length; i++) {
          long s = System.nanoTime();
          rows = catalog.list(q).size();
          ms[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "list --fault %s --limit %d: %d runs, median %.1f ms, max %.1f ms%n", args[2], limit, rows,
            ms[ms.length / 2], ms[ms.length - 1]);
      }
    }
  }

  private static CatalogRun run(int i, Instant start, Random random) {
    String id = "synthetic-" + i;
    int count = 1 + random.nextInt(4);
    List<CatalogFault> faults = new ArrayList<>();
    for (int f = 0; f < count; f++) {
      String type = TYPES[random.nextInt(TYPES.length)];
      Instant at = start.plusSeconds(5 + 5L * f);
      boolean heals = !type.equals("kill");
      faults.add(new CatalogFault(type, "db", "db " + f, "node-1", at, heals ? at.plusSeconds(10) : null, heals, "ok"));
    }
    return new CatalogRun(id, "synthetic", "local", id, "/runs/" + id, i, "ab".repeat(32), i % 50 == 0 ? "failed" : "ok", null,
        start, start.plusSeconds(60), 8.0 + random.nextDouble(), 50 + random.nextDouble() * 200, random.nextDouble() * 10, null,
        i % 10 == 0 ? new CampaignRef("nightly", "g" + (i % 3), "g/rep-" + i) : null, faults);
  }
}
