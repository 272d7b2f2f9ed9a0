package dev.reprise.master.cli;

import dev.reprise.fdsl.LoadedScenario;
import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.ScenarioLoader;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.record.RunManifest;
import dev.reprise.master.orchestrator.OrchestratorException;
import dev.reprise.master.orchestrator.OrchestratorUnreachableException;
import dev.reprise.master.run.RunCoordinator;
import dev.reprise.master.swarm.DockerSwarmCluster;
import dev.reprise.master.swarm.IpvsProbe;
import dev.reprise.master.swarm.SwarmOrchestrator;
import dev.reprise.time.SystemTime;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code master rerun RUN_DIR}: replays a run from its folder alone. The scenario and compose text of
 * its {@code run.json} and the fault scripts of its {@code inputs/faults/} (each checked against its
 * recorded sha256) are written into a temporary folder; the scenario is planned with the recorded
 * seed and the new plan must be the recorded one, byte for byte in its {@code PlanJson} form; every
 * recorded image ID must be the local engine's ID for that tag (the engine a run deploys from, or
 * ships the images from with {@code --hosts}), unless {@code --allow-image-drift}. Then it runs
 * exactly as {@code master run} (the same {@link RunCommand} path), and the new run's
 * {@code run.json} says {@code replay_of: <the original run ID>}.
 *
 * <p>Exit codes: those of {@code master run}; 2 also when RUN_DIR is not a run folder, its inputs
 * do not match their recorded hashes, the plan differs or an image drifted (nothing deployed).
 */
@Command(
    name = "rerun",
    mixinStandardHelpOptions = true,
    description = {
        "Replay a run from its run folder: same scenario, compose, fault scripts and seed; refuses when the plan",
        "or an image differs from the recorded one. The new run folder's path is the last line of stdout."})
public final class RerunCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "RUN_DIR", description = "The run folder to replay.")
  Path runDir;

  @Option(names = "--hosts", paramLabel = "FILE", description = "Run on the hosts of this file over SSH (as `master run --hosts`).")
  Path hostsFile;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs",
      description = "Parent folder of the new run folder (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("runs");

  @Option(names = "--allow-image-drift", description = "Run even when an image's ID differs from the recorded one (said as a warning).")
  boolean allowImageDrift;

  @Option(names = "--accept-new-host-keys", description = "With --hosts: add unknown host keys to known_hosts.")
  boolean acceptNewHostKeys;

  @Option(names = "--agent-jar", paramLabel = "JAR", description = "With --hosts: the agent jar to ship (as `master run`).")
  Path agentJar;

  @Option(names = "--no-export", description = "Do not export reports into the run folder at the end.")
  boolean noExport;

  @Option(names = "--stacktrace", description = "Print stack traces of unexpected errors.")
  boolean stacktrace;

  /** What the engine knows of some images now (the image ID of each tag; null when it does not have it). */
  @FunctionalInterface
  interface ImageLookup {
    List<RunManifest.ImageFact> facts(List<String> images);
  }

  /** Carries out the replay once every check passed: {@code master run}'s path ({@link RunCommand#call}) unless a test says otherwise. */
  @FunctionalInterface
  interface Runner {
    int run(RunCommand configured);
  }

  private final PrintStream stdout;
  private final PrintStream stderr;
  private final ImageLookup images;
  private final Runner runner;

  public RerunCommand() {
    this(System.out, System.err, RerunCommand::localImageFacts, RunCommand::call);
  }

  /** For tests: the engine's image facts and the final run come from {@code images} and {@code runner}. */
  RerunCommand(PrintStream stdout, PrintStream stderr, ImageLookup images, Runner runner) {
    this.stdout = stdout;
    this.stderr = stderr;
    this.images = images;
    this.runner = runner;
  }

  @Override
  public Integer call() {
    RunManifest recorded;
    try {
      recorded = RunFolderManifest.read(runDir);
    } catch (RunFolderManifest.NotARunFolder e) {
      stderr.println("error: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    }
    Path work = null;
    try {
      work = Files.createTempDirectory("reprise-rerun-");
      return replay(recorded, work);
    } catch (IOException e) {
      stderr.println("error: cannot write the run's inputs into a temporary folder: " + e.getMessage() + "; nothing was deployed");
      return ExitCodes.ENVIRONMENT;
    } catch (RuntimeException e) {
      stderr.println("error: " + e);
      if (stacktrace) e.printStackTrace(stderr);
      return ExitCodes.RUN_FAILED;
    } finally {
      if (work != null) delete(work);
    }
  }

  private int replay(RunManifest recorded, Path work) throws IOException {
    String runId = recorded.runId();
    // the inputs, under their recorded file names (a compose file named like the scenario gets a prefix)
    Path scenario = work.resolve(fileName(recorded.scenario().path(), "scenario.yaml"));
    Path compose = work.resolve(fileName(recorded.compose().path(), "docker-compose.yml"));
    if (compose.equals(scenario)) compose = work.resolve("compose-" + compose.getFileName());
    Files.writeString(scenario, recorded.scenario().content(), StandardCharsets.UTF_8);
    Files.writeString(compose, recorded.compose().content(), StandardCharsets.UTF_8);
    var problems = new ArrayList<String>();
    checkHash("the scenario", recorded.scenario().content(), recorded.scenario().sha256(), problems);
    checkHash("the compose file", recorded.compose().content(), recorded.compose().sha256(), problems);
    if (recorded.faultScripts() != null && !recorded.faultScripts().isEmpty()) {
      Path faults = Files.createDirectories(work.resolve(ScenarioLoader.FAULTS_FOLDER));
      for (var script : recorded.faultScripts()) {
        Path copy = runDir.resolve(RunCoordinator.INPUT_FAULTS).resolve(script.name());
        if (!Files.isRegularFile(copy)) {
          problems.add("the run folder has no copy of fault script " + script.name() + " (" + copy + ")");
          continue;
        }
        String sha = RunFolderManifest.sha256(Files.readAllBytes(copy));
        if (script.sha256() != null && !script.sha256().equals(sha)) {
          problems.add("fault script " + copy + " has sha256 " + sha + ", run.json recorded " + script.sha256());
        }
        Files.copy(copy, faults.resolve(script.name()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> stderr.println("error: " + p));
      stderr.println("cannot replay " + runId + " from " + runDir + ": its inputs do not match run.json; nothing was deployed");
      return ExitCodes.INVALID_INPUT;
    }

    Plan plan;
    try {
      LoadedScenario loaded = ScenarioLoader.load(scenario, compose, null, null);
      plan = loaded.plan(recorded.seed());
    } catch (ScenarioException e) {
      e.diagnostics().forEach(stderr::println);
      stderr.println(e.diagnostics().size() + " problem(s) in the inputs of " + runId + "; nothing was deployed");
      return ExitCodes.INVALID_INPUT;
    }
    var planNow = PlanJson.mapper().readTree(PlanJson.write(plan));
    String hashNow = RunFolderManifest.planHash(planNow);
    String hashThen = RunFolderManifest.planHash(recorded.plan());
    if (!hashNow.equals(hashThen)) {
      String first = RunFolderManifest.firstDifferingAction(recorded.plan(), planNow);
      stderr.println("error: the scenario of " + runId + " with seed " + recorded.seed() + " plans differently with this Reprise ("
          + RunCoordinatorVersion.current() + ", the run was " + recorded.toolVersion() + "): plan hash " + hashNow
          + ", recorded " + hashThen + (first == null ? "" : "; first difference (recorded vs now): " + first)
          + "; a replay would not be the same run, nothing was deployed");
      return ExitCodes.INVALID_INPUT;
    }
    stderr.println("rerun " + runId + ": same plan (hash " + hashNow + ")");

    int imageCheck = checkImages(recorded);
    if (imageCheck != ExitCodes.OK) return imageCheck;

    var run = new RunCommand(stdout, stderr);
    run.scenario = scenario;
    run.compose = compose;
    run.out = out;
    run.name = recorded.name();
    run.seed = recorded.seed();
    run.hostsFile = hostsFile;
    run.acceptNewHostKeys = acceptNewHostKeys;
    run.agentJar = agentJar;
    run.noExport = noExport;
    run.stacktrace = stacktrace;
    run.metricsBind = "127.0.0.1";
    run.replayOf = runId;
    return runner.run(run);
  }

  /** 0 when every recorded image ID is the engine's for its tag (or drift is allowed); else says each drift. */
  private int checkImages(RunManifest recorded) {
    if (recorded.images() == null) {
      stderr.println("warning: " + recorded.runId() + " recorded no image IDs (an older run folder): the images are not checked");
      return ExitCodes.OK;
    }
    var tags = recorded.images().stream().map(RunManifest.ImageFact::image).toList();
    Map<String, String> now = new HashMap<>();
    try {
      for (var f : images.facts(tags)) now.put(f.image(), f.id());
    } catch (OrchestratorUnreachableException e) {
      stderr.println("error: " + e.getMessage() + "; cannot check the images, nothing was deployed");
      return ExitCodes.ENVIRONMENT;
    } catch (OrchestratorException e) {
      stderr.println("error: cannot check the images: " + e.getMessage() + "; nothing was deployed");
      return ExitCodes.ENVIRONMENT;
    }
    var drifted = new ArrayList<String>();
    for (var image : recorded.images()) {
      if (image.id() == null) {
        stderr.println("warning: " + image.image() + " had no image ID in " + recorded.runId() + ": not checked");
        continue;
      }
      String id = now.get(image.image());
      if (!Objects.equals(image.id(), id)) {
        drifted.add(image.image() + ": recorded " + image.id() + ", now " + (id == null ? "not on this engine" : id));
      }
    }
    if (drifted.isEmpty()) return ExitCodes.OK;
    if (allowImageDrift) {
      drifted.forEach(d -> stderr.println("warning: image drift (allowed by --allow-image-drift): " + d));
      return ExitCodes.OK;
    }
    drifted.forEach(d -> stderr.println("error: image drift: " + d));
    stderr.println(drifted.size() + " image(s) differ from those " + recorded.runId()
        + " ran; rebuild or retag them, or pass --allow-image-drift; nothing was deployed");
    return ExitCodes.INVALID_INPUT;
  }

  /** The local engine's facts of {@code images} (the engine a run deploys from, or ships the images from with --hosts). */
  static List<RunManifest.ImageFact> localImageFacts(List<String> images) {
    try (var cluster = DockerSwarmCluster.connect()) {
      return new SwarmOrchestrator(cluster, SystemTime.INSTANCE, IpvsProbe.local(), Map.of()).imageFacts(images);
    } catch (IOException e) {
      throw new OrchestratorException("closing the Docker client: " + e.getMessage());
    }
  }

  private static void checkHash(String what, String content, String sha256, List<String> problems) {
    if (sha256 == null) return;
    String actual = RunFolderManifest.sha256(content.getBytes(StandardCharsets.UTF_8));
    if (!actual.equals(sha256)) problems.add(what + "'s text in run.json has sha256 " + actual + ", run.json recorded " + sha256);
  }

  private static String fileName(String recordedPath, String fallback) {
    if (recordedPath == null) return fallback;
    Path name = Path.of(recordedPath).getFileName();
    return name == null ? fallback : name.toString();
  }

  private static void delete(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary folder
    }
  }

  /** The running Reprise version, for messages. */
  private static final class RunCoordinatorVersion {
    static String current() {
      String v = RerunCommand.class.getPackage().getImplementationVersion();
      return v == null ? "dev" : v;
    }
  }
}
