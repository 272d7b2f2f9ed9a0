package dev.reprise.master.runqueue;

import java.time.Instant;

/**
 * A submitted run as {@code GET /api/v1/runs/{id}} shows it. JSON: the component names, instants as
 * ISO-8601, nulls omitted.
 *
 * @param id the queue's ID for it ({@code r-<UTC stamp>-<4 hex>}), known at submission
 * @param name the run's name
 * @param state where it is
 * @param submittedAt when it was accepted
 * @param startedAt when its run started, else null
 * @param endedAt when it reached a final state, else null
 * @param runId the run folder's ID once it exists, else null
 * @param runDir the run folder once it exists, else null
 * @param coordinatorState the run coordinator's state while running ({@code ARMING}, {@code RUNNING}, …), else null
 * @param actionsPlanned actions in its plan
 * @param actionsFired action reports so far
 * @param outcome the run's outcome word once ended ({@code ok}, {@code failed}, {@code aborted}), else null
 * @param message why it failed or was aborted, else null
 */
public record QueuedRun(
    String id,
    String name,
    QueueState state,
    Instant submittedAt,
    Instant startedAt,
    Instant endedAt,
    String runId,
    String runDir,
    String coordinatorState,
    int actionsPlanned,
    int actionsFired,
    String outcome,
    String message) {}
