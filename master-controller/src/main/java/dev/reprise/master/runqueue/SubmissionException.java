package dev.reprise.master.runqueue;

import java.util.List;

/**
 * A submission that cannot run (400): every problem of its scenario and compose file at once, each
 * positioned in the file it was found in ({@code scenario.yaml}, {@code docker-compose.yml}, or a
 * request field such as {@code seed} with line and column 0).
 */
public final class SubmissionException extends Exception {

  /** One problem: {@code file:line:col: message}; {@code field} is the request field it came from ({@code scenario}, {@code compose}, {@code seed}, …). */
  public record Problem(String field, String file, int line, int column, String message) {}

  private final List<Problem> problems;

  public SubmissionException(List<Problem> problems) {
    super(problems.size() + " problem(s): " + problems.get(0).file() + ":" + problems.get(0).line() + ":"
        + problems.get(0).column() + ": " + problems.get(0).message());
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
