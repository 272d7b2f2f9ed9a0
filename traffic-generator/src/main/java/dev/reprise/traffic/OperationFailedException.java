package dev.reprise.traffic;

/**
 * How one operation failed: the kind the per-second line counts, and the class name of the
 * underlying exception the final log counts (e.g. {@code DriverTimeoutException}).
 */
public final class OperationFailedException extends RuntimeException {

  private final ErrorKind kind;
  private final String causeClass;

  public OperationFailedException(ErrorKind kind, String causeClass, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.causeClass = causeClass;
  }

  public ErrorKind kind() {
    return kind;
  }

  /** Simple class name of the exception the driver raised. */
  public String causeClass() {
    return causeClass;
  }
}
