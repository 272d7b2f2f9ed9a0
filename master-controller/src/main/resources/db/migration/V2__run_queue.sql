-- The run catalog, version 2: the control plane's run queue (dev.reprise.master.runqueue.PersistentRunQueue
-- through dev.reprise.master.catalog.RunQueueTable), so a server's queue survives its restart. Portable
-- types only, as V1; instants are TEXT in V1's fixed UTC form. One row per submitted run, replaced
-- whenever it changes state.
CREATE TABLE run_queue (
  queue_id         TEXT NOT NULL PRIMARY KEY,   -- r-<UTC stamp>-<4 hex>, the control plane's run id
  target_cluster   TEXT NOT NULL,               -- 'local', or the swarm manager's host name: one queue per cluster
  queue_position   BIGINT NOT NULL,             -- submission order within the cluster's queue
  name             TEXT NOT NULL,
  state            TEXT NOT NULL,               -- QUEUED, RUNNING, SUCCEEDED, FAILED, ABORTED, INTERRUPTED
  submission_dir   TEXT NOT NULL,               -- the submission's folder under the server's state dir
  seed             BIGINT,                      -- the submitted seed; null: the scenario's
  submitted_at     TEXT NOT NULL,
  started_at       TEXT,
  ended_at         TEXT,
  run_id           TEXT,                        -- runs.run_id once its folder exists
  run_dir          TEXT,
  actions_planned  INTEGER NOT NULL,
  actions_fired    INTEGER NOT NULL,
  outcome          TEXT,                        -- ok, failed, aborted, ... once ended
  message          TEXT
);
CREATE INDEX run_queue_cluster_position ON run_queue (target_cluster, queue_position);
