package dev.reprise.master.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.trigger.TriggerJudge;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.time.Clock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's triggered moments, judged on the master from what every agent observes (their
 * {@code trigger_observation}s and relayed workload samples), so a count spans hosts. One
 * {@link TriggerJudge} per {@code plan.triggers()}; each verdict is appended to {@code triggers.jsonl}
 * in the run folder at once ({@code {"moment","condition","outcome":"fired|skipped|failed","instant",
 * "earliest","deadline","matches":[{service,id,container,time,what}]}}) and handed back for the
 * coordinator to act on (send {@code fire_moment}, or fail the run). Coordinator thread only.
 */
final class RunTriggers {
  static final String FILE = "triggers.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final Map<Integer, TriggerJudge> judges = new LinkedHashMap<>();
  private final Path file;

  RunTriggers(Plan plan, Instant t0, Clock clock, Path runDir) {
    plan.triggers().forEach(t -> judges.put(t.moment(), new TriggerJudge(t, t0, clock)));
    this.file = runDir == null ? null : runDir.resolve(FILE);
  }

  boolean any() {
    return !judges.isEmpty();
  }

  List<TriggerJudge.Verdict> observed(AgentMessage.TriggerObservation o) {
    var judge = o.moment() == null ? null : judges.get(o.moment());
    if (judge == null) return List.of();
    var v = switch (o.kind() == null ? "" : o.kind()) {
      case "log" -> judge.logLine(o.service(), o.id(), o.container(), o.time(), o.text() == null ? "" : o.text());
      case "running" -> judge.container(o.service(), o.id(), o.container(), true, o.time());
      case "ended" -> judge.container(o.service(), o.id(), o.container(), false, o.time());
      default -> java.util.Optional.<TriggerJudge.Verdict>empty();
    };
    return record(v.stream().toList());
  }

  List<TriggerJudge.Verdict> workload(AgentMessage.WorkloadSample w) {
    var out = new ArrayList<TriggerJudge.Verdict>();
    for (var j : judges.values()) {
      j.workload(w.service(), w.id(), w.time(), w.intervalMillis() == null ? 0 : w.intervalMillis(), w.ok() == null ? 0 : w.ok(),
          w.failed() == null ? 0 : w.failed(), w.p99Ms()).ifPresent(out::add);
    }
    return record(out);
  }

  /** Fires conditions that held before their earliest instant, times out the overdue ones. */
  List<TriggerJudge.Verdict> tick() {
    var out = new ArrayList<TriggerJudge.Verdict>();
    for (var j : judges.values()) j.tick().ifPresent(out::add);
    return record(out);
  }

  private List<TriggerJudge.Verdict> record(List<TriggerJudge.Verdict> verdicts) {
    if (file == null || verdicts.isEmpty()) return verdicts;
    var sb = new StringBuilder();
    for (var v : verdicts) {
      var j = judges.get(v.moment());
      var rec = new LinkedHashMap<String, Object>();
      rec.put("moment", v.moment());
      rec.put("condition", v.condition());
      rec.put("outcome", v.kind().name().toLowerCase(java.util.Locale.ROOT));
      rec.put("instant", v.instant().toString());
      rec.put("earliest", j.earliest().toString());
      rec.put("deadline", j.deadline().toString());
      rec.put("matches", v.matches());
      try {
        sb.append(JSON.writeValueAsString(rec)).append('\n');
      } catch (IOException e) {
        throw new IllegalStateException("a trigger record that cannot be written", e);
      }
    }
    try {
      Files.writeString(file, sb.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // the verdict still acts; the record is lost (said by the caller's progress line)
    }
    return verdicts;
  }
}
