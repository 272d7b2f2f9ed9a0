package dev.reprise.export.campaign;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.reprise.export.Chart;
import dev.reprise.export.Thresholds;
import dev.reprise.fdsl.record.CampaignManifest;
import dev.reprise.fdsl.record.RecordJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The public entry point of the campaign report: {@code campaign.html} and {@code campaign.csv} in
 * the campaign folder, built from its {@code campaign.json} ({@link CampaignManifest}) and the run
 * folders that names — nothing else (never Docker, never the network, never the campaign file on disk).
 *
 * <p>One row per run of the manifest, in its order, for the run's counting (last) attempt: key,
 * group, baseline, repetition, its parameters, seed, plan hash, outcome, duration, the
 * {@linkplain RunFigures figures} (firing error p99, throughput, throughput dip, error rate,
 * recovery time; dip and recovery against the group's baseline runs, through
 * {@code dev.reprise.export.Comparison}) and the relative link to its {@code report.html}. Per group
 * and parameter combination, the mean, sample standard deviation and range of each figure across
 * the runs that ended ok ({@link Statistics}), and one plot per figure.
 *
 * <p>A pending run, a run folder that is missing or unreadable, or a run without workload lines is
 * a row saying so (its {@code problems}), never a failure of the report. Both files are written to a
 * temporary file and renamed, so a reader never sees half a report. Stateless; runs on the caller's
 * thread; safe to call again at any time (the report is rebuilt from scratch).
 */
public final class CampaignReport {
  public static final String MANIFEST = "campaign.json";
  public static final String HTML = "campaign.html";
  public static final String CSV = "campaign.csv";

  private CampaignReport() {}

  /**
   * What {@link #report} wrote.
   *
   * @param files the HTML page, then the CSV file
   * @param problems every run's problems as {@code key: problem} lines, in manifest order (for a terminal)
   */
  public record Result(List<Path> files, List<String> problems) {
    public Result {
      files = List.copyOf(files);
      problems = List.copyOf(problems);
    }
  }

  /** {@link #write(Path, Thresholds)} with {@code master compare}'s default thresholds. */
  public static List<Path> write(Path campaignDir) throws IOException {
    return write(campaignDir, Thresholds.DEFAULTS);
  }

  /**
   * Writes {@code campaign.html} and {@code campaign.csv} into {@code campaignDir}, replacing them.
   *
   * @param thresholds when a second of a fault run is anomalous against its baselines (as for {@code master compare})
   * @return the files written: the HTML page, then the CSV file
   * @throws InvalidCampaignFolderException when {@code campaignDir} is not a campaign folder or its
   *     {@code campaign.json} cannot be read as a campaign manifest; the message says why
   * @throws IOException when reading {@code campaign.json} or writing the report fails
   */
  public static List<Path> write(Path campaignDir, Thresholds thresholds) throws IOException {
    return report(campaignDir, thresholds).files();
  }

  /** {@link #write(Path, Thresholds)}, also returning the runs' problems. */
  public static Result report(Path campaignDir, Thresholds thresholds) throws IOException {
    CampaignManifest m = read(campaignDir);
    List<RunRow> rows = CampaignRows.of(campaignDir, m, thresholds);
    List<GroupStatistics.Category> categories = GroupStatistics.of(m, rows);
    List<Chart> charts = CampaignCharts.charts(categories);
    Path csv = campaignDir.resolve(CSV);
    Path csvTmp = Files.createTempFile(campaignDir, ".campaign", ".csv.tmp");
    Path html = campaignDir.resolve(HTML);
    Path htmlTmp = Files.createTempFile(campaignDir, ".campaign", ".html.tmp");
    try {
      CampaignCsv.write(csvTmp, rows);
      Files.writeString(htmlTmp, CampaignHtml.render(m, rows, categories, charts, thresholds), StandardCharsets.UTF_8);
      move(csvTmp, csv);
      move(htmlTmp, html);
    } finally {
      Files.deleteIfExists(csvTmp);
      Files.deleteIfExists(htmlTmp);
    }
    List<String> problems = new ArrayList<>();
    rows.forEach(r -> r.problems().forEach(p -> problems.add(r.run().key() + ": " + p)));
    return new Result(List.of(html, csv), problems);
  }

  /**
   * Reads {@code campaignDir/campaign.json}.
   *
   * @throws InvalidCampaignFolderException when the folder or the file is missing, or the file is not
   *     a campaign manifest of format {@value CampaignManifest#FORMAT}: one line per problem,
   *     {@code FILE:LINE:COL: message} for malformed JSON
   */
  public static CampaignManifest read(Path campaignDir) throws IOException {
    if (!Files.isDirectory(campaignDir)) {
      throw new InvalidCampaignFolderException(campaignDir + ": " + (Files.exists(campaignDir)
          ? "not a directory" : "no such campaign folder"));
    }
    Path file = campaignDir.resolve(MANIFEST);
    if (!Files.isRegularFile(file)) {
      throw new InvalidCampaignFolderException(file + ": missing; " + campaignDir
          + " is not a campaign folder (master campaign writes " + MANIFEST + " before its first run)");
    }
    CampaignManifest m;
    try {
      m = RecordJson.mapper().readValue(file.toFile(), CampaignManifest.class);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new InvalidCampaignFolderException(file + ":" + (at == null ? 1 : Math.max(1, at.getLineNr())) + ":"
          + (at == null ? 1 : Math.max(1, at.getColumnNr())) + ": not a campaign manifest: " + e.getOriginalMessage());
    }
    List<String> problems = new ArrayList<>();
    if (m == null) {
      throw new InvalidCampaignFolderException(file + ":1:1: empty; expected a campaign manifest object");
    }
    if (m.format() != CampaignManifest.FORMAT) {
      problems.add(file + ":1:1: format " + m.format() + "; this Reprise reads campaign folders of format "
          + CampaignManifest.FORMAT);
    }
    for (int i = 0; i < m.groups().size(); i++) {
      if (m.groups().get(i) == null || m.groups().get(i).name() == null) {
        problems.add(file + ": groups[" + i + "] has no name");
      }
    }
    for (int i = 0; i < m.runs().size(); i++) {
      CampaignManifest.Run r = m.runs().get(i);
      if (r == null || r.key() == null || r.group() == null) {
        problems.add(file + ": runs[" + i + "] has no " + (r == null ? "content" : r.key() == null ? "key" : "group"));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidCampaignFolderException(String.join("\n", problems));
    }
    return m;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
