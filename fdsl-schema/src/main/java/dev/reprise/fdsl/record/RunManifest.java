package dev.reprise.fdsl.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code run.json}: what was run, where, and how it ended. Written by the master when the run is
 * armed (outcome {@code running}) and rewritten when it ends, so an interrupted run still has one.
 *
 * @param format the run-folder format version, {@value #FORMAT}
 * @param name the run's name ({@code --name}, default the scenario file's base name)
 * @param runId {@code <name>-<timestamp>}, the run folder's name and the stack's name
 * @param toolVersion the Reprise version that ran it
 * @param scenario the scenario file: path as given, sha256 and full content
 * @param compose the compose file: path as given, sha256 and full content
 * @param seed the root seed the plan was drawn from
 * @param plan the plan as {@code PlanJson} wrote it
 * @param hosts every host of the run with its environment and clock offset
 * @param t0 the start instant every planned offset is relative to
 * @param start when the master started the run (before deploy)
 * @param end when the run ended (null while running)
 * @param outcome {@code running}, {@code ok}, {@code failed} or {@code aborted}
 * @param reason why it failed or was aborted (null when ok)
 * @param safetyTrip when a safety condition aborted the run: which, the values that tripped it and
 *     when (null otherwise, and in older run folders)
 * @param faultScripts the custom fault scripts the plan names, each copied into the run folder's
 *     {@code inputs/faults/<name>} with its sha256 (null in older run folders)
 * @param images every image the stack runs, with the engine's image ID and repo digest (null in older run folders)
 * @param services each service as deployed (translated, with its T0 replicas; secret-looking env values
 *     redacted); null in older run folders
 * @param replayOf the run ID this run replays ({@code master rerun}); null for a first run
 */
public record RunManifest(
    int format,
    String name,
    String runId,
    String toolVersion,
    SourceFile scenario,
    SourceFile compose,
    long seed,
    JsonNode plan,
    List<HostInfo> hosts,
    Instant t0,
    Instant start,
    Instant end,
    String outcome,
    String reason,
    SafetyTrip safetyTrip,
    List<FaultScript> faultScripts,
    List<ImageFact> images,
    List<ServiceSpec> services,
    String replayOf) {

  public static final int FORMAT = 1;
  public static final String RUNNING = "running";
  public static final String OK = "ok";
  public static final String FAILED = "failed";
  public static final String ABORTED = "aborted";

  public RunManifest {
    faultScripts = faultScripts == null ? null : List.copyOf(faultScripts);
    images = images == null ? null : List.copyOf(images);
    services = services == null ? null : List.copyOf(services);
  }

  /** A run folder without replay inputs (older run folders, tests). */
  public RunManifest(int format, String name, String runId, String toolVersion, SourceFile scenario, SourceFile compose,
      long seed, JsonNode plan, List<HostInfo> hosts, Instant t0, Instant start, Instant end, String outcome, String reason,
      SafetyTrip safetyTrip) {
    this(format, name, runId, toolVersion, scenario, compose, seed, plan, hosts, t0, start, end, outcome, reason, safetyTrip,
        null, null, null, null);
  }

  /** As the canonical constructor, for a run no safety condition aborted. */
  public RunManifest(int format, String name, String runId, String toolVersion, SourceFile scenario, SourceFile compose,
      long seed, JsonNode plan, List<HostInfo> hosts, Instant t0, Instant start, Instant end, String outcome, String reason) {
    this(format, name, runId, toolVersion, scenario, compose, seed, plan, hosts, t0, start, end, outcome, reason, null);
  }

  /**
   * The safety condition that aborted a run ({@code environment.safety.abort_when}).
   *
   * @param condition the condition's name
   * @param kind {@code workload}, {@code prometheus} or {@code http}
   * @param at when it was found to hold (for its {@code for}), on the run's clock
   * @param value the value that crossed the threshold (null: the source was unavailable, or an HTTP status)
   * @param threshold the threshold it crossed (null for {@code http})
   * @param detail the whole story in one line, as the terminal printed it
   */
  public record SafetyTrip(String condition, String kind, Instant at, Double value, Double threshold, String detail) {}

  /** A custom fault script of the run: its file name (in {@code inputs/faults/}) and sha256. */
  public record FaultScript(String name, String sha256) {}

  /**
   * An image the stack runs.
   *
   * @param image the image as the compose file names it (tag)
   * @param id the engine's image ID ({@code sha256:...}); null when the engine does not have it
   * @param repoDigest the image's repo digest ({@code repo@sha256:...}); null when it was never pushed or pulled
   */
  public record ImageFact(
      String image,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS) String id,
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS) String repoDigest) {}

  /**
   * One service as it was deployed (the orchestrator's translation of the compose file).
   *
   * @param service the compose (FDSL) service
   * @param image its image
   * @param entrypoint null keeps the image's
   * @param command null keeps the image's
   * @param env name → value, values of secret-looking names ({@code *PASSWORD*}, {@code *SECRET*},
   *     {@code *TOKEN*}, {@code *KEY*}) replaced by {@value #REDACTED}
   * @param replicas containers at T0
   * @param constraints placement constraints
   * @param limits resource limits (nano-CPUs, memory bytes); null fields: none
   * @param reservations resource reservations
   * @param restart the restart policy
   * @param networks the networks it is attached to (by name)
   */
  public record ServiceSpec(
      String service,
      String image,
      List<String> entrypoint,
      List<String> command,
      Map<String, String> env,
      int replicas,
      List<String> constraints,
      Resources limits,
      Resources reservations,
      Restart restart,
      List<String> networks) {}

  /** CPU in nano-CPUs and memory in bytes; either null when not set. */
  public record Resources(Long nanoCpus, Long memoryBytes) {}

  /** A restart policy: condition {@code none}, {@code on-failure} or {@code any}; nulls: the orchestrator's defaults. */
  public record Restart(String condition, Long delayNanos, Long maxAttempts, Long windowNanos) {}

  /** What a secret-looking environment value is recorded as. */
  public static final String REDACTED = "<redacted>";

  /** Whether an environment variable's name looks like it holds a secret (its value is not recorded). */
  public static boolean secretName(String name) {
    String n = name.toUpperCase(java.util.Locale.ROOT);
    return n.contains("PASSWORD") || n.contains("SECRET") || n.contains("TOKEN") || n.contains("KEY");
  }

  /** An input file of the run, kept whole so the run can be replayed from its folder alone. */
  public record SourceFile(String path, String sha256, String content) {}

  /**
   * One host of the run.
   *
   * @param name the host's name (the swarm node's hostname in the embedded default)
   * @param node the swarm node ID
   * @param dockerVersion the engine's version
   * @param kernel the kernel release
   * @param cores online CPUs
   * @param memBytes total memory
   * @param ntpServer the server the offset was measured against (null: no clock sync)
   * @param clockOffsetMillis corrected = local + offset, measured at arm (0 without clock sync)
   * @param clockUncertaintyMillis half the round-trip delay of the kept sample (null without clock sync)
   * @param clockResyncs re-measurements during the run that were applied (slewed in); null without clock sync
   * @param clockResyncsNotApplied re-measurements rejected (congested path) or failed (see {@code clock.jsonl})
   * @param clockMaxDriftMillis the largest error an applied re-measurement found: how far the clock
   *     had wandered between measurements; null when there was none
   * @param features each host feature the scenario's fault types need (its JSON name) → {@code ok}, or
   *     why it is missing; null when pre-flight did not check (older run folders)
   * @param preflight what the host's pre-flight found; null when none ran
   */
  public record HostInfo(
      String name,
      String node,
      String dockerVersion,
      String kernel,
      Integer cores,
      Long memBytes,
      String ntpServer,
      Double clockOffsetMillis,
      Double clockUncertaintyMillis,
      Integer clockResyncs,
      Integer clockResyncsNotApplied,
      Double clockMaxDriftMillis,
      Map<String, String> features,
      Preflight preflight) {
    public HostInfo {
      features = features == null ? null : Collections.unmodifiableMap(new TreeMap<>(features));
    }

    /** A host without pre-flight figures (older run folders, tests). */
    public HostInfo(String name, String node, String dockerVersion, String kernel, Integer cores, Long memBytes,
        String ntpServer, Double clockOffsetMillis, Double clockUncertaintyMillis, Integer clockResyncs,
        Integer clockResyncsNotApplied, Double clockMaxDriftMillis) {
      this(name, node, dockerVersion, kernel, cores, memBytes, ntpServer, clockOffsetMillis, clockUncertaintyMillis,
          clockResyncs, clockResyncsNotApplied, clockMaxDriftMillis, null, null);
    }

    /** This host with what its pre-flight found. */
    public HostInfo withPreflight(Map<String, String> features, Preflight preflight) {
      return new HostInfo(name, node, dockerVersion, kernel, cores, memBytes, ntpServer, clockOffsetMillis,
          clockUncertaintyMillis, clockResyncs, clockResyncsNotApplied, clockMaxDriftMillis, features, preflight);
    }

    /** This host with its clock summary: the counts and largest drift of {@code records}' resyncs. */
    public HostInfo withResyncs(List<ClockRecord> records) {
      if (ntpServer == null) return this;
      int applied = 0;
      int notApplied = 0;
      Double maxDrift = null;
      for (var r : records) {
        if (!ClockRecord.RESYNC.equals(r.phase())) continue;
        if (ClockRecord.SLEWING.equals(r.status()) && r.offsetMillis() != null) {
          applied++;
          double drift = Math.abs(r.offsetMillis());
          if (maxDrift == null || drift > maxDrift) maxDrift = drift;
        } else {
          notApplied++;
        }
      }
      return new HostInfo(name, node, dockerVersion, kernel, cores, memBytes, ntpServer, clockOffsetMillis,
          clockUncertaintyMillis, applied, notApplied, maxDrift, features, preflight);
    }
  }

  /**
   * What a host's pre-flight found before anything was deployed (the clock measured, not stepped:
   * it is stepped at arm).
   *
   * @param swarmState the engine's swarm membership: {@code manager}, {@code worker} or {@code inactive}
   * @param clockOffsetMillis reference − host clock measured against the {@code ntp_server}; null without clock sync
   * @param clockUncertaintyMillis half the round trip of the kept sample; null without clock sync
   */
  public record Preflight(String swarmState, Double clockOffsetMillis, Double clockUncertaintyMillis) {}
}
