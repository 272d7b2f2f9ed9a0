package dev.reprise.fdsl.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A triggered moment's {@code when:}, as planned: the actions of moment {@link #moment} (by
 * {@link PlannedAction#moment()}) fire at once when the condition first holds at or after T0 +
 * {@link #earliestMillis}, not at their {@link PlannedAction#offsetMillis()} (which is the earliest
 * instant: what the actions' order and the alive sets were planned at). When it has not held by T0 +
 * earliest + {@link #timeoutMillis}, the moment is skipped or the run fails ({@link #onTimeout}).
 *
 * @param condition {@code log}, {@code running} or {@code workload}
 * @param service the service watched (null: a workload condition on every container's lines)
 * @param pattern for {@code log}: the regular expression ({@code find}, anywhere in a line)
 * @param count for {@code log} and {@code running}: how many distinct containers of the service, resolved
 *     (an {@code all} is the containers expected alive at that point of the plan)
 * @param metric for {@code workload}: {@code throughput}, {@code error_rate}, {@code p99_latency}
 * @param comparison for {@code workload}: {@code above} or {@code below}
 * @param threshold for {@code workload}: ops/s, a fraction, or ms
 * @param description the condition as {@code master plan} shows it
 */
@JsonPropertyOrder({"moment", "earliestMillis", "timeoutMillis", "onTimeout", "condition", "service", "pattern", "count",
    "metric", "comparison", "threshold", "description"})
public record PlannedTrigger(int moment, long earliestMillis, long timeoutMillis, String onTimeout, String condition,
    @JsonInclude(JsonInclude.Include.NON_NULL) String service,
    @JsonInclude(JsonInclude.Include.NON_NULL) String pattern,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer count,
    @JsonInclude(JsonInclude.Include.NON_NULL) String metric,
    @JsonInclude(JsonInclude.Include.NON_NULL) String comparison,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double threshold,
    String description) {
  public static final String LOG = "log";
  public static final String RUNNING = "running";
  public static final String WORKLOAD = "workload";
  public static final String SKIP = "skip";
  public static final String FAIL = "fail";

  /** The last instant, after T0, at which the condition is still waited for. */
  public long deadlineMillis() {
    return earliestMillis + timeoutMillis;
  }
}
