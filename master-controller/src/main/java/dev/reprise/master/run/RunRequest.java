package dev.reprise.master.run;

import dev.reprise.fdsl.model.Grafana;
import dev.reprise.fdsl.model.Safety;
import dev.reprise.fdsl.plan.Plan;
import java.nio.file.Path;

/**
 * What to run: a valid, planned scenario and where its run folder goes. Immutable.
 *
 * @param name the run's name ({@code --name}; default the scenario file's base name)
 * @param outDir the parent of the run folder ({@code --out}, default {@code runs/})
 * @param scenarioFile the scenario file as the user named it
 * @param composeFile the compose file that was used
 * @param seed the seed {@code plan} was drawn from
 * @param faultsDir where custom fault scripts live (may not exist)
 * @param ntpServer the scenario's NTP server, or null
 * @param ntpResyncMillis how often agents re-measure their clock during the run (0: only at arm)
 * @param export whether to run the exporter at the end ({@code --no-export} turns it off)
 * @param safety the scenario's guardrails: the run's safety loop checks its {@code abort_when}
 *     (its duration cap and blast radius are already in the plan)
 * @param grafana where the run posts its fault windows and marks as annotations; null: nowhere
 * @param keepRestartPolicies {@code environment.restart: keep}: the compose file's restart policies are
 *     deployed as written (default false: condition none, a killed container stays dead)
 * @param replayOf the run ID this run replays ({@code master rerun}); null for a first run
 */
public record RunRequest(
    String name,
    Path outDir,
    Path scenarioFile,
    String scenarioText,
    Path composeFile,
    String composeText,
    long seed,
    Plan plan,
    Path faultsDir,
    String ntpServer,
    long ntpResyncMillis,
    boolean export,
    Safety safety,
    Grafana grafana,
    boolean keepRestartPolicies,
    String replayOf) {

  public RunRequest {
    if (safety == null) safety = Safety.none();
  }

  /** A first run (no replay). */
  public RunRequest(String name, Path outDir, Path scenarioFile, String scenarioText, Path composeFile, String composeText,
      long seed, Plan plan, Path faultsDir, String ntpServer, long ntpResyncMillis, boolean export, Safety safety,
      Grafana grafana, boolean keepRestartPolicies) {
    this(name, outDir, scenarioFile, scenarioText, composeFile, composeText, seed, plan, faultsDir, ntpServer,
        ntpResyncMillis, export, safety, grafana, keepRestartPolicies, null);
  }

  /** A run whose killed containers stay dead (restart condition none). */
  public RunRequest(String name, Path outDir, Path scenarioFile, String scenarioText, Path composeFile, String composeText,
      long seed, Plan plan, Path faultsDir, String ntpServer, long ntpResyncMillis, boolean export, Safety safety,
      Grafana grafana) {
    this(name, outDir, scenarioFile, scenarioText, composeFile, composeText, seed, plan, faultsDir, ntpServer,
        ntpResyncMillis, export, safety, grafana, false);
  }

  /** A run without guardrails or annotations. */
  public RunRequest(String name, Path outDir, Path scenarioFile, String scenarioText, Path composeFile, String composeText,
      long seed, Plan plan, Path faultsDir, String ntpServer, long ntpResyncMillis, boolean export) {
    this(name, outDir, scenarioFile, scenarioText, composeFile, composeText, seed, plan, faultsDir, ntpServer,
        ntpResyncMillis, export, Safety.none(), null);
  }

  /** This request with another NTP server (the hosts file's, when the scenario names none). */
  public RunRequest withNtpServer(String server) {
    return new RunRequest(name, outDir, scenarioFile, scenarioText, composeFile, composeText, seed, plan, faultsDir, server,
        ntpResyncMillis, export, safety, grafana, keepRestartPolicies, replayOf);
  }

  /** This request as the replay of run {@code runId}. */
  public RunRequest withReplayOf(String runId) {
    return new RunRequest(name, outDir, scenarioFile, scenarioText, composeFile, composeText, seed, plan, faultsDir,
        ntpServer, ntpResyncMillis, export, safety, grafana, keepRestartPolicies, runId);
  }
}
