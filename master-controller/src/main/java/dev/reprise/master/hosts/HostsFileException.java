package dev.reprise.master.hosts;

import java.util.List;

/** A hosts file that cannot be used; {@link #problems()} are {@code FILE:LINE:COL: message}, all at once. */
public final class HostsFileException extends Exception {
  private final List<String> problems;

  public HostsFileException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
