/**
 * The records of a run folder, shared by their writer (the local controller and the master) and
 * their reader (dashboard-export). Every file is JSON lines (one record per line) except
 * {@code run.json}; field names are snake_case; times are ISO-8601 UTC with microseconds, all on
 * one clock (each host's NTP-corrected clock). Null fields are omitted. {@link RecordJson} is the
 * one mapper for all of them. The format is documented in local-controller/README.md.
 */
package dev.reprise.fdsl.record;
