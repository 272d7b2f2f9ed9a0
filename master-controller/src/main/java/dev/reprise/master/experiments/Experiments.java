package dev.reprise.master.experiments;

import java.util.List;
import java.util.Optional;

/**
 * Ad-hoc experiments against stacks that are already running (the port the HTTP control plane and
 * {@code master inject}/{@code master experiments} talk to). Each experiment is carried out as a run
 * of Reprise's own (agents on the target's hosts, heal journal, a run folder with its timeline,
 * container events and stats), so its fault heals at its TTL on every path: at the TTL, on
 * {@link #rollback}, when its guard trips, and when the caller's process dies (the agents heal on
 * losing it). Thread-safe.
 */
public interface Experiments extends AutoCloseable {

  /**
   * Checks {@code request} (every bad field at once), the service, the blast-radius cap (with the
   * experiments already running), then starts it and returns at once with
   * {@link ExperimentState#INJECTED}, {@code injectedAt} and {@code rollbackScheduledAt}.
   */
  ExperimentStatus inject(ExperimentRequest request) throws ExperimentException;

  /** The experiment's status now; empty when there is none of that ID. */
  Optional<ExperimentStatus> status(String experimentId);

  /** Every experiment this service knows (running and ended), newest first. */
  List<ExperimentStatus> list();

  /**
   * Heals it now (every target, every host) and returns its status once healed
   * ({@link ExperimentState#ROLLED_BACK}); an experiment already final is returned as it is.
   *
   * @throws ExperimentException.UnknownExperiment when there is none of that ID
   */
  ExperimentStatus rollback(String experimentId) throws ExperimentException;

  /** Rolls back every running experiment and waits until each is healed. */
  @Override
  void close();
}
