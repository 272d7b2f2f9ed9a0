package dev.reprise.master.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.master.catalog.RunCatalog.CatalogQuery;
import dev.reprise.master.run.Outcome;
import dev.reprise.master.run.RunCoordinator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogRecorderTest {
  @TempDir Path tmp;

  @Test
  void recordsTheRunFolderWhenTheRunEnds() throws Exception {
    Path dir = CatalogFixtures.copy("fault-run", tmp, "r1");
    var warnings = new ArrayList<String>();
    new CatalogRecorder(() -> Catalogs.open(null, tmp, Map.of()), warnings::add)
        .ended(new RunCoordinator.Result(Outcome.FAILED, "db down", dir));
    assertThat(warnings).isEmpty();
    try (var catalog = Catalogs.open(null, tmp, Map.of())) {
      assertThat(catalog.list(CatalogQuery.all())).extracting(RunCatalog.CatalogRun::runId).containsExactly("r1");
    }
  }

  @Test
  void aCatalogFailureIsOneWarningLineAndNothingElse() throws Exception {
    java.nio.file.Files.createDirectories(tmp.resolve("r1"));
    var warnings = new ArrayList<String>();
    var recorder = new CatalogRecorder(() -> Catalogs.open("jdbc:oracle:thin:@db", tmp, Map.of()), warnings::add);
    recorder.ended(new RunCoordinator.Result(Outcome.OK, null, tmp.resolve("r1")));
    assertThat(warnings).containsExactly("warning: catalog: catalog jdbc:oracle:thin:@db: not a jdbc:postgresql: or jdbc:sqlite:"
        + " URL (nor a file path); the catalog is an SQLite file or a PostgreSQL database; the run is not recorded"
        + " (`master runs import " + tmp.resolve("r1") + "` records it later)");
  }

  @Test
  void aRunWithoutAFolderIsNotRecorded() {
    new CatalogRecorder(() -> {
      throw new CatalogException("must not open");
    }, w -> {
      throw new AssertionError(w);
    }).ended(new RunCoordinator.Result(Outcome.ENVIRONMENT, "pre-flight", tmp.resolve("removed")));
    var opened = new ArrayList<String>();
    new CatalogRecorder(() -> {
      opened.add("open");
      throw new CatalogException("must not open");
    }, opened::add).ended(new RunCoordinator.Result(Outcome.INVALID, "bad scenario", null));
    assertThat(opened).isEqualTo(List.of());
  }
}
