package dev.reprise.master.run;

import dev.reprise.fdsl.record.RunManifest;

/**
 * How a run ended. The first three are written into {@code run.json}; {@link #INVALID} and
 * {@link #ENVIRONMENT} mean nothing ran (no run folder). Callers map them to what they speak: the
 * CLI to exit codes ({@code cli/ExitCodes}), an HTTP API to statuses.
 */
public enum Outcome {
  /** Every agent ended the run as planned. */
  OK(RunManifest.OK),
  /** The run was carried out and failed (a deploy, an agent, a lost host, the records). */
  FAILED(RunManifest.FAILED),
  /** Someone asked the run to stop ({@link RunHandle#abort}, Ctrl-C). */
  ABORTED(RunManifest.ABORTED),
  /** The input is invalid (the compose file); nothing was deployed. */
  INVALID("invalid"),
  /** The environment is not usable (no engine, no swarm, no run folder); nothing was deployed. */
  ENVIRONMENT("environment");

  private final String word;

  Outcome(String word) {
    this.word = word;
  }

  /** The word in {@code run.json} and in messages: {@code ok}, {@code failed}, {@code aborted}, ... */
  public String word() {
    return word;
  }

  /** The outcome a {@code run.json} or an agent's {@code ended} names; an unknown word is a failure. */
  public static Outcome ofWord(String word) {
    for (var o : values()) if (o.word.equals(word)) return o;
    return FAILED;
  }

  @Override
  public String toString() {
    return word;
  }
}
