package dev.reprise.master.ssh;

/** What a remote command did: its exit code (-1 when it was killed by a signal or timed out) and output. */
public record ExecResult(int exitCode, String stdout, String stderr) {
  public boolean ok() {
    return exitCode == 0;
  }

  /** {@code exit N: <last stderr line or stdout line>}, for diagnoses. */
  public String summary() {
    String text = !stderr.isBlank() ? stderr : stdout;
    String[] lines = text.strip().split("\n");
    return "exit " + exitCode + (text.isBlank() ? "" : ": " + lines[lines.length - 1].strip());
  }
}
