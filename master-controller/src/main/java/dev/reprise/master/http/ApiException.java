package dev.reprise.master.http;

/**
 * A request the control plane answers with {@code status} and {@code body} (serialized by
 * {@link ApiJson}) instead of the handler's result; thrown by handlers and before-filters, turned into
 * the answer by the server's exception handler. Carries no stack trace to the client.
 */
final class ApiException extends RuntimeException {
  private final int status;
  private final transient Object body;

  ApiException(int status, Object body) {
    super("HTTP " + status, null, false, false);
    this.status = status;
    this.body = body;
  }

  /** {@code {"error": message}}. */
  static ApiException of(int status, String message) {
    return new ApiException(status, new ApiErrors.Message(message));
  }

  int status() {
    return status;
  }

  Object body() {
    return body;
  }
}
