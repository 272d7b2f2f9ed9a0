-- The run catalog, version 1 (dev.reprise.master.catalog.JdbcRunCatalog). One script for SQLite and
-- PostgreSQL: portable types only (TEXT, BIGINT, INTEGER, DOUBLE PRECISION, BOOLEAN). Instants are
-- TEXT in one fixed UTC form, 2026-12-01T10:00:03.000000Z (microseconds, always 6 digits), so they
-- sort and compare as text the same way in both and read back exactly; PostgreSQL users can cast
-- them (injected_at::timestamptz).

-- One row per run (the experiment).
CREATE TABLE runs (
  run_id              TEXT NOT NULL PRIMARY KEY,  -- the experiment id: the run folder's name and the stack's name
  name                TEXT NOT NULL,
  target_cluster      TEXT NOT NULL,              -- 'local', or the swarm manager's host name
  target_stack        TEXT NOT NULL,
  run_dir             TEXT NOT NULL,              -- absolute path when recorded
  seed                BIGINT NOT NULL,
  plan_hash           TEXT,                       -- sha256 of the plan, as `master diff` computes it
  outcome             TEXT NOT NULL,              -- ok, failed, aborted, running (cut off)
  reason              TEXT,
  started_at          TEXT NOT NULL,
  ended_at            TEXT,
  baseline_p99_ms     DOUBLE PRECISION,           -- workload p99 before the first fault
  peak_p99_ms         DOUBLE PRECISION,           -- highest per-second p99
  recovery_seconds    DOUBLE PRECISION,           -- last heal until throughput is back within 10 %
  data_loss_detected  BOOLEAN,                    -- null: the workload cannot tell
  campaign            TEXT,
  campaign_group      TEXT,
  campaign_key        TEXT,
  fault_types         TEXT NOT NULL,              -- the distinct fault types, sorted, comma-separated ('' for none)
  fault_count         INTEGER NOT NULL
);
CREATE INDEX runs_started_at ON runs (started_at);
CREATE INDEX runs_campaign ON runs (campaign, started_at);
CREATE INDEX runs_target_cluster ON runs (target_cluster);

-- One row per injected fault (the design's chaos_experiment_logs).
CREATE TABLE chaos_experiment_logs (
  experiment_id        TEXT NOT NULL,             -- runs.run_id
  fault_index          INTEGER NOT NULL,          -- 0, 1, ... in the order the faults were injected
  target_cluster       TEXT NOT NULL,
  target_stack         TEXT NOT NULL,
  fault_type           TEXT NOT NULL,             -- FDSL name: kill, cpu, partition, ...
  target_service       TEXT,
  target_container     TEXT,                      -- FDSL container id ('db 1'); null for a whole group
  target_host          TEXT,
  injected_at          TEXT,
  rolled_back_at       TEXT,                      -- null: never healed (a kill), or the heal failed
  was_auto_rolled_back BOOLEAN NOT NULL,          -- healed at its planned end or TTL (false: by an abort or the run's end)
  outcome              TEXT NOT NULL,             -- the action's outcome: ok, failed, unknown
  PRIMARY KEY (experiment_id, fault_index)
);
CREATE INDEX chaos_experiment_logs_target_cluster ON chaos_experiment_logs (target_cluster);
CREATE INDEX chaos_experiment_logs_fault_type ON chaos_experiment_logs (fault_type, experiment_id);

-- Every audit field of a fault in one row, as reliability teams read chaos_experiment_logs.
CREATE VIEW chaos_experiment_audit AS
SELECT l.experiment_id, l.fault_index, l.target_cluster, l.target_stack, l.fault_type, l.target_service,
       l.target_container, l.target_host, l.injected_at, l.rolled_back_at, l.was_auto_rolled_back,
       l.outcome AS fault_outcome, r.outcome AS run_outcome, r.baseline_p99_ms, r.peak_p99_ms,
       r.recovery_seconds, r.data_loss_detected, r.run_dir, r.seed, r.plan_hash, r.campaign,
       r.campaign_group, r.campaign_key, r.started_at, r.ended_at
FROM chaos_experiment_logs l JOIN runs r ON r.run_id = l.experiment_id;
