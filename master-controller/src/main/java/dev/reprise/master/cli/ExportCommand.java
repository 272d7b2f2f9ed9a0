package dev.reprise.master.cli;

import dev.reprise.export.ExportResult;
import dev.reprise.export.Exporter;
import dev.reprise.export.InvalidRunFolderException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code master export RUN_DIR [--out DIR]}: writes FaultSee's dashboard files, CSV series, PNG/SVG
 * plots, {@code labels.csv} and a self-contained {@code report.html} for a run folder (the same
 * export {@code master run} does at its end). Reads the run folder only.
 *
 * <p>Exit codes: 0 exported (warnings about incomplete records go to stderr); 2 RUN_DIR is not a run
 * folder (the message names the missing file); 1 reading or writing failed.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export a run folder as FaultSee dashboard files, CSV, PNG/SVG plots, labels.csv and report.html.")
public final class ExportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN_DIR", description = "The run folder `master run` wrote.")
  Path runDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: RUN_DIR/export).")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    Path target = out != null ? out : runDir.resolve(Exporter.DEFAULT_OUT);
    try {
      ExportResult result = new Exporter().export(runDir, target);
      for (String w : result.warnings()) {
        stderr.println("warning: " + w);
      }
      stdout.println("exported " + runDir + ": " + result.files().size() + " files in " + result.outDir());
      stdout.println("report: " + result.report().toAbsolutePath());
      return ExitCodes.OK;
    } catch (InvalidRunFolderException e) {
      stderr.println("error: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    } catch (IOException e) {
      stderr.println("error: export of " + runDir + " to " + target + " failed: " + e);
      return ExitCodes.RUN_FAILED;
    } finally {
      stdout.flush();
      stderr.flush();
    }
  }
}
