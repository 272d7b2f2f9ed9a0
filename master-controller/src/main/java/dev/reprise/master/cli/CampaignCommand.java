package dev.reprise.master.cli;

import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.ScenarioLoader;
import dev.reprise.fdsl.record.CampaignManifest;
import dev.reprise.master.campaign.CampaignFile;
import dev.reprise.master.campaign.CampaignParser;
import dev.reprise.master.campaign.CampaignPreparer;
import dev.reprise.master.campaign.CampaignReportWriter;
import dev.reprise.master.campaign.CampaignRunner;
import dev.reprise.master.campaign.CampaignStore;
import dev.reprise.master.campaign.PreparedRun;
import dev.reprise.master.campaign.RunLauncher;
import dev.reprise.master.catalog.CatalogException;
import dev.reprise.master.catalog.Catalogs;
import dev.reprise.master.catalog.RunCatalog;
import dev.reprise.master.run.RunFolders;
import dev.reprise.master.run.RunSettings;
import dev.reprise.time.SystemTime;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code master campaign CAMPAIGN.yaml}: runs every run of a campaign file one after another
 * ({@link CampaignRunner}), each through {@code master run}'s own path, into the campaign folder
 * {@code OUT/NAME/} ({@code runs/} for the run folders, {@code campaign.json}, the campaign report).
 * Exit codes: 0 every run ended ok (or {@code --dry-run}), 1 a run did not end ok, the campaign
 * stopped (on_failure: stop, time budget) or was interrupted, 2 invalid campaign file or scenario
 * (nothing deployed), or a campaign folder that cannot be started or resumed.
 *
 * <p>Ctrl-C or SIGTERM: the current run is aborted cleanly (faults healed, stack removed), marked
 * {@code cut_off} in campaign.json with an {@code interrupted} attempt, the campaign marked
 * {@code interrupted}; exit 1. {@code --resume} goes on.
 */
@Command(
    name = "campaign",
    mixinStandardHelpOptions = true,
    description = {
        "Run a campaign: groups of runs (scenario x repetitions x parameter matrix, with baselines), resumable.",
        "The campaign folder's path is the last line of stdout; progress goes to stderr."})
public final class CampaignCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CAMPAIGN", description = "The campaign file (YAML).")
  Path campaignFile;

  @Option(names = "--resume", description = "Go on with the campaign folder's campaign.json: skip finished runs, rerun the one cut off.")
  boolean resume;

  @Option(names = "--dry-run", description = "Print every run with its parameters, seed and plan hash; deploy nothing.")
  boolean dryRun;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs",
      description = "Parent folder of the campaign folder, unless the campaign file says `out` (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--hosts", paramLabel = "FILE", description = "Run on the hosts of this file over SSH (as `master run --hosts`).")
  Path hostsFile;

  @Option(names = "--accept-new-host-keys", description = "With --hosts: add unknown host keys to known_hosts.")
  boolean acceptNewHostKeys;

  @Option(names = "--agent-jar", paramLabel = "JAR", description = "With --hosts: the agent jar to ship.")
  Path agentJar;

  @Option(names = "--catalog", paramLabel = "LOCATION",
      description = "The run catalog: a JDBC URL or an SQLite file (default: $" + Catalogs.ENV + ", else OUT/" + Catalogs.DEFAULT_FILE + ").")
  String catalogLocation;

  @Option(names = "--stacktrace", description = "Print stack traces of unexpected errors.")
  boolean stacktrace;

  private final PrintStream stdout;
  private final PrintStream stderr;
  private final CampaignReportWriter report;

  public CampaignCommand() {
    this(System.out, System.err, defaultReport());
  }

  /** The morning report {@code master campaign} and {@code master run --repeat} write at the end of a campaign. */
  static CampaignReportWriter defaultReport() {
    return campaignDir -> {
      for (Path file : dev.reprise.export.campaign.CampaignReport.write(campaignDir)) System.err.println("report: " + file);
    };
  }

  /** For tests: the campaign folder's path goes to {@code stdout}, everything else to {@code stderr}. */
  public CampaignCommand(PrintStream stdout, PrintStream stderr, CampaignReportWriter report) {
    this.stdout = stdout;
    this.stderr = stderr;
    this.report = report;
  }

  @Override
  public Integer call() {
    try {
      return run();
    } catch (RuntimeException e) {
      stderr.println("error: " + e);
      if (stacktrace) e.printStackTrace(stderr);
      else stderr.println("(rerun with --stacktrace for details)");
      return ExitCodes.RUN_FAILED;
    }
  }

  private int run() {
    CampaignFile campaign;
    List<PreparedRun> runs;
    try {
      campaign = CampaignParser.parse(campaignFile);
      runs = new CampaignPreparer(System.getenv(ScenarioLoader.FAULTS_ENV)).prepare(campaign);
    } catch (ScenarioException e) {
      e.diagnostics().forEach(stderr::println);
      stderr.println(e.diagnostics().size() + " problem(s); nothing was deployed");
      return ExitCodes.INVALID_INPUT;
    }
    if (dryRun) return dryRun(campaign, runs);

    Path parent = campaign.out() != null ? campaign.out() : out;
    var store = new CampaignStore(parent.resolve(campaign.name()));
    CampaignManifest start;
    if (resume) {
      if (!store.exists()) {
        stderr.println("error: --resume: no " + store.file() + "; start the campaign without --resume");
        return ExitCodes.INVALID_INPUT;
      }
      try {
        start = CampaignRunner.resume(store.read(), campaign, runs);
      } catch (IOException e) {
        stderr.println("error: cannot read " + store.file() + ": " + e.getMessage());
        return ExitCodes.INVALID_INPUT;
      } catch (CampaignRunner.NotResumable e) {
        stderr.println("error: cannot resume " + store.dir() + ": " + e.getMessage());
        return ExitCodes.INVALID_INPUT;
      }
      long finished = start.runs().stream().filter(r -> CampaignManifest.Run.FINISHED.equals(r.state())).count();
      stderr.println("campaign " + campaign.name() + ": resuming, " + finished + " of " + runs.size() + " run(s) finished"
          + start.runs().stream().filter(r -> CampaignManifest.Run.CUT_OFF.equals(r.state()))
              .map(r -> "; " + r.key() + " was cut off and runs again").collect(Collectors.joining()));
    } else {
      if (store.exists()) {
        stderr.println("error: " + store.file() + " exists: pass --resume to go on with that campaign, or give the campaign"
            + " another name (name:) or --out");
        return ExitCodes.INVALID_INPUT;
      }
      start = CampaignRunner.fresh(campaign, runs, SystemTime.INSTANCE.now());
    }
    return execute(campaign, runs, store, start);
  }

  private int execute(CampaignFile campaign, List<PreparedRun> runs, CampaignStore store, CampaignManifest start) {
    RunCatalog catalog = null;
    try {
      catalog = Catalogs.open(catalogLocation != null ? catalogLocation : System.getenv(Catalogs.ENV), store.dir().getParent());
    } catch (CatalogException e) {
      stderr.println("warning: run catalog: " + e.getMessage() + "; the runs are not catalogued");
    } catch (RuntimeException e) {
      stderr.println("warning: run catalog: " + e + "; the runs are not catalogued");
    }
    RunLauncher launcher = new CommandRunLauncher(stdout, stderr, hostsFile, acceptNewHostKeys, agentJar, stacktrace);
    var runner = new CampaignRunner(store, launcher, catalog, report, SystemTime.INSTANCE, stderr, null);
    Map<String, CampaignFile.OnFailure> onFailure = new HashMap<>();
    Map<String, Long> cooldowns = new HashMap<>();
    for (var g : campaign.groups()) {
      onFailure.put(g.name(), g.onFailure());
      cooldowns.put(g.name(), g.cooldownMillis());
    }
    var settings = hostsFile != null ? RunSettings.MULTI_HOST_DEFAULTS : RunSettings.DEFAULTS;
    Thread hook = new Thread(() -> onSignal(runner, settings), "master-campaign-abort");
    Runtime.getRuntime().addShutdownHook(hook);
    CampaignManifest end;
    try {
      end = runner.run(start, runs, campaign.timeBudgetMillis(), onFailure, cooldowns);
    } finally {
      if (catalog != null) catalog.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down: the hook sets the exit code
      }
    }
    stdout.println(store.dir());
    stdout.flush();
    boolean allOk = CampaignManifest.DONE.equals(end.state())
        && end.runs().stream().allMatch(r -> r.last() != null && "ok".equals(r.last().outcome()));
    return allOk ? ExitCodes.OK : ExitCodes.RUN_FAILED;
  }

  /** Shutdown hook: abort the current run, wait until the campaign has written its last manifest, exit 1. */
  private void onSignal(CampaignRunner runner, RunSettings settings) {
    runner.interrupt("the campaign was interrupted by a signal (Ctrl-C or SIGTERM)");
    Duration bound = settings.abortWait().plus(settings.removeTimeout()).plus(settings.containersTimeout()).plus(Duration.ofSeconds(30));
    try {
      if (!runner.awaitOver(bound)) {
        stderr.println("error: the campaign's run did not clean up within " + bound.toSeconds() + " s; check `docker service ls`");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stdout.flush();
    stderr.flush();
    Runtime.getRuntime().halt(ExitCodes.RUN_FAILED);
  }

  private int dryRun(CampaignFile campaign, List<PreparedRun> runs) {
    Path parent = campaign.out() != null ? campaign.out() : out;
    stdout.println("campaign " + campaign.name() + ": " + runs.size() + " run(s) into " + parent.resolve(campaign.name())
        + (campaign.cooldownMillis() > 0 ? ", cooldown " + dev.reprise.fdsl.model.Durations.format(campaign.cooldownMillis()) : "")
        + (campaign.timeBudgetMillis() > 0 ? ", time budget " + dev.reprise.fdsl.model.Durations.format(campaign.timeBudgetMillis()) : "")
        + ", on_failure " + campaign.onFailure().word());
    for (int i = 0; i < runs.size(); i++) {
      var r = runs.get(i);
      var spec = r.spec();
      String params = spec.parameters().isEmpty() ? "-" : spec.parameters().entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
      String env = r.composeEnv().isEmpty() ? "" : "  env " + r.composeEnv().entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
      stdout.println(String.format("%3d  %s  seed %d  params %s  plan %s  %d action(s)%s  %s%s", i + 1, spec.key(), spec.seed(), params,
          r.planHash(), r.plan().actions().size(), spec.baseline() ? " (baseline)" : "", r.loaded().scenarioFile(), env));
    }
    stdout.println("dry run: nothing was deployed");
    return ExitCodes.OK;
  }

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /**
   * {@code master run SCENARIO --repeat N}: writes a one-group campaign file ({@code repetitions: N};
   * seeds {@code --seed} + i when given, else the scenario's seed + i) into a new campaign folder
   * {@code OUT/NAME-xN-STAMP/campaign.yaml} and runs it as {@code master campaign} does, so the folder
   * has the same layout and report, and {@code master campaign OUT/NAME-xN-STAMP/campaign.yaml --resume}
   * (with {@code --out OUT}) goes on after an interruption.
   */
  static int repeat(RunCommand run, PrintStream stdout, PrintStream stderr) {
    if (run.repeat < 1 || run.repeat > 10_000) {
      stderr.println("error: --repeat takes 1 to 10000, got " + run.repeat);
      return ExitCodes.INVALID_INPUT;
    }
    if (run.compose != null || run.faults != null || run.metricsPort != null) {
      stderr.println("error: --repeat runs the scenario as a campaign, which finds its compose file and fault scripts beside the"
          + " scenario; leave out --compose, --faults and --metrics-port");
      return ExitCodes.INVALID_INPUT;
    }
    String name = RunFolders.sanitize((run.name != null ? run.name : RunFolders.defaultName(run.scenario)) + "-x" + run.repeat) + "-"
        + STAMP.format(Instant.now());
    Path dir = run.out.resolve(name);
    String yaml = "# written by `master run --repeat " + run.repeat + "`\n"
        + "name: " + name + "\n"
        + "groups:\n"
        + "  - name: " + RunFolders.sanitize(run.name != null ? run.name : RunFolders.defaultName(run.scenario)) + "\n"
        + "    scenario: '" + run.scenario.toAbsolutePath().normalize().toString().replace("'", "''") + "'\n"
        + "    repetitions: " + run.repeat + "\n"
        + (run.seed != null ? "    seeds: {from: " + run.seed + ", count: " + run.repeat + "}\n" : "");
    Path file = dir.resolve("campaign.yaml");
    try {
      Files.createDirectories(dir);
      Files.writeString(file, yaml);
    } catch (IOException e) {
      stderr.println("error: cannot write " + file + ": " + e.getMessage());
      return ExitCodes.ENVIRONMENT;
    }
    var campaign = new CampaignCommand(stdout, stderr, defaultReport());
    campaign.campaignFile = file;
    campaign.out = run.out;
    campaign.hostsFile = run.hostsFile;
    campaign.acceptNewHostKeys = run.acceptNewHostKeys;
    campaign.agentJar = run.agentJar;
    campaign.stacktrace = run.stacktrace;
    return campaign.call();
  }
}
