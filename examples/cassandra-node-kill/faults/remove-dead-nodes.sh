#!/bin/sh
# Removes every node the ring reports as Down/Normal ("DN"), as FaultSee's
# remove_dead_node_from_cluster did. Runs inside a live Cassandra container; uses `nodetool` when
# installed (reprise/cassandra ships one), else Cassandra's NodeTool class from the image's jars
# (JMX on localhost:7199).
set -u
if command -v nodetool >/dev/null 2>&1; then
  nt() { nodetool "$@"; }
else
  nt() { java -cp "/etc/cassandra:/opt/cassandra/lib/*" org.apache.cassandra.tools.NodeTool "$@"; }
fi
status="$(nt status)" || { echo "remove-dead-nodes: nodetool status failed" >&2; exit 1; }
echo "$status"
# The host ID is the field shaped like a UUID (the load column may be "?" or "1.2 MiB").
dead="$(echo "$status" | awk '$1 == "DN" { for (i = 2; i <= NF; i++) if (length($i) == 36 && $i ~ /^[0-9a-f-]+$/) print $i }')"
if [ -z "$dead" ]; then
  echo "remove-dead-nodes: no dead node in the ring"
  exit 0
fi
rc=0
for host_id in $dead; do
  echo "remove-dead-nodes: removenode $host_id"
  nt removenode "$host_id" || rc=1
done
exit $rc
