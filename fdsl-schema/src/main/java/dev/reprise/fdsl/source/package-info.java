/**
 * Positions in input files and the problems found at them ({@link dev.reprise.fdsl.source.SourcePos},
 * {@link dev.reprise.fdsl.source.Problem}, {@link dev.reprise.fdsl.source.Problems}), and the
 * "did you mean" {@link dev.reprise.fdsl.source.Suggestions} their messages offer. Every other package
 * of fdsl-schema reports through these (the master's hosts-file parser suggests through them too);
 * only {@code dev.reprise.fdsl} attaches file names.
 */
package dev.reprise.fdsl.source;
