package dev.reprise.master.experiments;

import java.util.List;

/**
 * Why {@link Experiments} refused a request; each kind maps to one HTTP status (in brackets) and
 * one CLI exit code. The message is one line for a human.
 */
public abstract sealed class ExperimentException extends Exception {

  protected ExperimentException(String message) {
    super(message);
  }

  /** The request means nothing valid (400): every bad field at once. */
  public static final class Invalid extends ExperimentException {
    private final List<FieldError> errors;

    public Invalid(List<FieldError> errors) {
      super(errors.size() + " bad field(s): " + errors.get(0).field() + ": " + errors.get(0).message()
          + (errors.size() > 1 ? "; …" : ""));
      this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
      return errors;
    }
  }

  /** No running service of that name (404); the message lists the services that do run. */
  public static final class UnknownService extends ExperimentException {
    public UnknownService(String message) {
      super(message);
    }
  }

  /** No experiment of that ID (404). */
  public static final class UnknownExperiment extends ExperimentException {
    public UnknownExperiment(String experimentId) {
      super("no experiment '" + experimentId + "'");
    }
  }

  /**
   * Over the blast-radius cap (409): with this request, more containers of {@code scope} would be
   * affected at once than {@code cap} allows (other running experiments count).
   *
   * @param scope the service, or {@code all}
   * @param cap the cap as configured ({@code 1}, {@code 50%})
   * @param allowed what the cap allows now, in containers
   * @param wouldBe how many would be affected with this request
   */
  public static final class OverBlastRadius extends ExperimentException {
    private final String scope;
    private final String cap;
    private final int allowed;
    private final int wouldBe;

    public OverBlastRadius(String scope, String cap, int allowed, int wouldBe, String message) {
      super(message);
      this.scope = scope;
      this.cap = cap;
      this.allowed = allowed;
      this.wouldBe = wouldBe;
    }

    public String scope() { return scope; }
    public String cap() { return cap; }
    public int allowed() { return allowed; }
    public int wouldBe() { return wouldBe; }
  }

  /** An experiment of that ID exists already (409). */
  public static final class DuplicateId extends ExperimentException {
    public DuplicateId(String experimentId) {
      super("experiment '" + experimentId + "' exists already");
    }
  }

  /** The cluster cannot be reached or refused (503); the message is the engine's own reason. */
  public static final class Unavailable extends ExperimentException {
    public Unavailable(String message) {
      super(message);
    }
  }
}
