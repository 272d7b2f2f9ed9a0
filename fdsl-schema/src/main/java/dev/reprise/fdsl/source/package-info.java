/**
 * Positions in input files and the problems found at them. Every other package of fdsl-schema
 * reports through these; only {@code dev.reprise.fdsl} attaches file names.
 */
package dev.reprise.fdsl.source;
