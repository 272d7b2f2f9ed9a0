package dev.reprise.master.run;

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
    boolean export) {}
