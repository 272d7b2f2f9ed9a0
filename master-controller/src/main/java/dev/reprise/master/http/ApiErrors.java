package dev.reprise.master.http;

import dev.reprise.master.experiments.FieldError;
import dev.reprise.master.runqueue.SubmissionException;
import java.util.List;

/** The JSON bodies of the control plane's error answers (field names as the OpenAPI document has them). */
final class ApiErrors {
  private ApiErrors() {}

  /** Any error: {@code {"error": "..."}}. */
  record Message(String error) {}

  /** 400 on an experiment request: every bad field. */
  record InvalidRequest(String error, List<FieldError> fields) {
    InvalidRequest(List<FieldError> fields) {
      this("invalid request", fields);
    }
  }

  /** 400 on a run submission: every problem, positioned. */
  record InvalidSubmission(String error, List<SubmissionException.Problem> problems) {
    InvalidSubmission(List<SubmissionException.Problem> problems) {
      this("invalid submission", problems);
    }
  }

  /** 409 over the blast-radius cap. */
  record OverBlastRadius(String error, String message, String cap, String scope, int allowed, int wouldBe) {}
}
