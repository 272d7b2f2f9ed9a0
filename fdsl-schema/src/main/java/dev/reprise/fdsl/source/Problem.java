package dev.reprise.fdsl.source;

/**
 * A problem at a position of one input file; the loader adds the file to make a
 * {@code Diagnostic}. Messages start with the YAML path of the value at fault.
 */
public record Problem(SourcePos pos, String message) {}
