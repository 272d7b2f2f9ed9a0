package dev.reprise.agent.inject;

/** A fault with a lasting effect (a CPU burner, a running script), as registered in the {@link FaultJournal}. */
public interface ActiveFault {
  /**
   * Ends the effect. Idempotent (a second call does nothing), quick (kills processes; never waits
   * on the engine), and safe from any thread.
   *
   * @throws RuntimeException when the effect could not be ended; the journal records it as failed
   */
  void heal();
}
