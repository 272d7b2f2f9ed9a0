package dev.reprise.master.cli;

import dev.reprise.master.run.Outcome;

/** The {@code master} CLI's exit codes; documented in the README and stable across versions. */
public final class ExitCodes {
  /** Everything went as asked. */
  public static final int OK = 0;
  /** The run (or command) was carried out and failed, or was aborted. */
  public static final int RUN_FAILED = 1;
  /** The input is invalid: scenario, compose, hosts file or command-line arguments. */
  public static final int INVALID_INPUT = 2;
  /** The environment is not usable: no Docker engine, a host unreachable, a tool missing. */
  public static final int ENVIRONMENT = 3;

  private ExitCodes() {}

  /** The exit code of a run that ended with {@code outcome}: the one place outcomes become codes. */
  public static int of(Outcome outcome) {
    return switch (outcome) {
      case OK -> OK;
      case FAILED, ABORTED -> RUN_FAILED;
      case INVALID -> INVALID_INPUT;
      case ENVIRONMENT -> ENVIRONMENT;
    };
  }
}
