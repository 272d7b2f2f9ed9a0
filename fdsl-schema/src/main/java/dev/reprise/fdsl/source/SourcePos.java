package dev.reprise.fdsl.source;

/** A 1-based line and column in an input file, kept on model values so later checks can point at them. */
public record SourcePos(int line, int column) {
  /** For values built in code rather than read from a file. */
  public static final SourcePos NONE = new SourcePos(1, 1);
}
