package dev.reprise.master.runqueue;

import dev.reprise.fdsl.Diagnostic;
import dev.reprise.fdsl.LoadedScenario;
import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.ScenarioParser;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.source.SourcePos;
import dev.reprise.master.cli.ScenarioArgs;
import dev.reprise.master.runqueue.SubmissionException.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A submission's own folder under the server's state dir ({@code <state>/submissions/<id>/}:
 * {@code scenario.yaml}, {@code docker-compose.yml}, {@code faults/<name>}) and the check a
 * submission passes before it is queued: the one {@code master validate} and {@code master run}
 * make ({@link ScenarioArgs#check}: the scenario loaded and planned, the compose file translated as
 * a run translates it), every problem at once, named as the user sees the files. A scenario may not
 * reach outside its folder ({@code environment.compose}/{@code environment.faults} leading out of it
 * are refused), and no faults folder of the server ({@code $LSDS_FAULTS_FOLDER_LOCAL}) is searched.
 */
final class SubmissionFolder {
  static final String SCENARIO = "scenario.yaml";
  static final String COMPOSE = "docker-compose.yml";
  static final String FAULTS = "faults";

  /** A plain file name: no separator, not hidden, no {@code ..}. */
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+-]{0,254}");

  /**
   * A submission that passed: loaded from its folder, planned under its seed.
   *
   * @param warnings the compose translation's warnings (ignored keys), as {@code docker-compose.yml:L:C: …} lines
   */
  record Checked(LoadedScenario loaded, Plan plan, long seed, List<String> warnings) {}

  private SubmissionFolder() {}

  /** Writes {@code submission} into {@code dir} (created), as far as it can be written; returns the problems of its fault file names. */
  static List<Problem> write(Path dir, RunSubmission submission) throws IOException {
    var problems = new ArrayList<Problem>();
    Files.createDirectories(dir.resolve(FAULTS));
    if (submission.scenarioText() != null) Files.writeString(dir.resolve(SCENARIO), submission.scenarioText());
    if (submission.composeText() != null) Files.writeString(dir.resolve(COMPOSE), submission.composeText());
    for (var e : new java.util.TreeMap<>(submission.faultFiles()).entrySet()) {
      String name = e.getKey();
      if (name == null || !PLAIN_NAME.matcher(name).matches() || name.contains("..")) {
        problems.add(new Problem("faultFiles." + name, String.valueOf(name), 0, 0,
            "a fault file's name must be a plain file name (letters, digits, . _ + -; no '/', no '..', not hidden), as the"
                + " scenario's fault_file_name names it"));
        continue;
      }
      Path file = dir.resolve(FAULTS).resolve(name);
      Files.write(file, e.getValue() == null ? new byte[0] : e.getValue());
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: the agent runs scripts through /bin/sh anyway
      }
    }
    return problems;
  }

  /**
   * Checks the submission written into {@code dir}: every problem as a {@link Problem} (with
   * {@code writeProblems}, the fault file names'), or the loaded and planned scenario.
   *
   * @param environment the compose file's variables (as {@code master run} resolves {@code ${VAR}})
   */
  static Checked check(Path dir, RunSubmission submission, List<Problem> writeProblems, Map<String, String> environment)
      throws SubmissionException {
    var problems = new ArrayList<>(writeProblems);
    if (submission.name() != null && submission.name().isBlank()) {
      problems.add(new Problem("name", "name", 0, 0, "a run's name may not be blank (leave it out: the scenario's)"));
    }
    if (submission.scenarioText() == null || submission.scenarioText().isBlank()) {
      problems.add(new Problem("scenario", SCENARIO, 0, 0, "no scenario: the submission needs the FDSL scenario's text"));
      throw new SubmissionException(problems);
    }
    Path scenario = dir.resolve(SCENARIO);
    Path compose = submission.composeText() != null ? dir.resolve(COMPOSE) : null;
    var composed = ScenarioParser.compose(submission.scenarioText());
    boolean outside = false;
    if (compose == null) {
      var hint = ScenarioParser.composeHint(composed);
      if (hint.isPresent() && escapes(dir, hint.get().path())) {
        problems.add(at("scenario", SCENARIO, hint.get().pos(), "environment.compose: " + hint.get().path()
            + " leads out of the submission; send the compose file with the submission instead"));
        outside = true;
      }
    }
    var faultsHint = ScenarioParser.faultsHint(composed);
    if (faultsHint.isPresent() && !faultsHint.get().path().isBlank() && escapes(dir, faultsHint.get().path())) {
      problems.add(at("scenario", SCENARIO, faultsHint.get().pos(), "environment.faults: " + faultsHint.get().path()
          + " leads out of the submission; send the scripts as the submission's fault files instead"));
      outside = true;
    }
    if (outside) throw new SubmissionException(problems);

    var checked = ScenarioArgs.check(scenario, compose, null, null, environment);
    for (Diagnostic d : checked.problems()) problems.add(problem(dir, d, null));
    Plan plan = null;
    if (checked.loaded() != null) {
      try {
        plan = checked.loaded().plan(submission.seed());
      } catch (ScenarioException e) {
        for (Diagnostic d : e.diagnostics()) problems.add(problem(dir, d, submission.seed()));
      }
    }
    if (!problems.isEmpty()) throw new SubmissionException(problems);
    var warnings = checked.warnings().stream().map(d -> {
      var p = problem(dir, d, null);
      return p.file() + ":" + p.line() + ":" + p.column() + ": " + p.message();
    }).toList();
    return new Checked(checked.loaded(), plan, checked.loaded().effectiveSeed(submission.seed()), warnings);
  }

  private static boolean escapes(Path dir, String path) {
    Path p = Path.of(path);
    return p.isAbsolute() || !dir.resolve(p).normalize().startsWith(dir.normalize());
  }

  private static Problem at(String field, String file, SourcePos pos, String message) {
    return new Problem(field, file, pos.line(), pos.column(), message);
  }

  /** {@code d} as the user sees it: the file's name in the submission, the submission's folder left out of the message. */
  static Problem problem(Path dir, Diagnostic d, Long seed) {
    Path file = d.file() == null ? null : d.file().toAbsolutePath().normalize();
    Path root = dir.toAbsolutePath().normalize();
    String field;
    String name;
    if (file != null && file.equals(root.resolve(SCENARIO))) {
      field = seed != null ? "seed" : "scenario";
      name = SCENARIO;
    } else if (file != null && file.equals(root.resolve(COMPOSE))) {
      field = "compose";
      name = COMPOSE;
    } else {
      field = "scenario";
      name = file == null ? SCENARIO : file.startsWith(root) ? root.relativize(file).toString() : file.getFileName().toString();
    }
    String message = d.message().replace(root + "/", "").replace(root.toString(), ".");
    if (seed != null) message += " (with seed " + seed + ")";
    return new Problem(field, name, d.line(), d.column(), message);
  }

  /** Removes the folder of a refused submission. */
  static void delete(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: nothing refers to a refused submission's folder
    }
  }
}
