#!/bin/sh
# Removes every node the ring reports as Down/Normal ("DN"), as FaultSee's
# remove_dead_node_from_cluster did. Runs inside a live Cassandra container; uses `nodetool` when
# installed, else Cassandra's NodeTool class from the image's jars (JMX on localhost:7199).
set -u
if command -v nodetool >/dev/null 2>&1; then
  nt() { nodetool "$@"; }
else
  nt() { java -cp "/etc/cassandra:/opt/cassandra/lib/*" org.apache.cassandra.tools.NodeTool "$@"; }
fi
status="$(nt status)" || { echo "remove-dead-nodes: nodetool status failed" >&2; exit 1; }
echo "$status"
dead="$(echo "$status" | awk '$1 == "DN" { print $7 }')"
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
