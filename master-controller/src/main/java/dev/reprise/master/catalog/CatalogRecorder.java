package dev.reprise.master.catalog;

import dev.reprise.master.run.RunCoordinator;
import dev.reprise.master.run.RunListener;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Records every run in the run catalog: a {@link RunListener} that, when the run has ended and its
 * folder is final, opens the catalog, records the folder and closes the catalog again (so no
 * database connection or file lock is held while the run runs). A run that left no folder
 * (invalid input, no engine, a failed pre-flight) is not recorded, and no catalog is created for it.
 *
 * <p>A catalog failure is never the run's: it is one line {@code warning: catalog: …} to {@code warn}
 * and the run's outcome and exit code stay what they were. Runs on the coordinator thread, after the
 * run folder and the export are written and before the run's handle completes, so the command
 * does not exit before the run is recorded.
 */
public final class CatalogRecorder implements RunListener {

  /** Opens the catalog; {@link Catalogs#open} in the product, an in-test catalog in tests. */
  @FunctionalInterface
  public interface Opener {
    RunCatalog open() throws CatalogException;
  }

  private final Opener opener;
  private final Consumer<String> warn;

  public CatalogRecorder(Opener opener, Consumer<String> warn) {
    this.opener = opener;
    this.warn = warn;
  }

  /** Records into the catalog at {@code location} ({@link Catalogs#open}: null is the default {@code outDir/catalog.db}). */
  public static CatalogRecorder at(String location, Path outDir, Consumer<String> warn) {
    return new CatalogRecorder(() -> Catalogs.open(location, outDir), warn);
  }

  @Override
  public void ended(RunCoordinator.Result result) {
    // a run that ended before deploying has no folder (pre-flight removes its empty one): nothing to record
    if (result.runDir() == null || !java.nio.file.Files.isDirectory(result.runDir())) return;
    try (RunCatalog catalog = opener.open()) {
      catalog.record(result.runDir(), null);
    } catch (CatalogException e) {
      warn.accept("warning: catalog: " + e.getMessage() + "; the run is not recorded (`master runs import "
          + result.runDir() + "` records it later)");
    } catch (RuntimeException e) {
      warn.accept("warning: catalog: " + e + "; the run is not recorded (`master runs import " + result.runDir()
          + "` records it later)");
    }
  }
}
