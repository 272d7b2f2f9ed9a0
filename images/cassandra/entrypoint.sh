#!/bin/bash
# reprise/cassandra entrypoint: configures and starts one Cassandra 4.1.7 node in the foreground.
#   CASSANDRA_SEED_SERVICE   swarm service whose tasks are the seeds: resolves tasks.<service> and
#                            uses its lowest address as the one seed (every node agrees on it);
#   CASSANDRA_SEEDS          explicit comma-separated seed addresses (wins over the service);
#                            with neither, the node is its own seed (a single-node cluster).
#   CASSANDRA_CLUSTER_NAME   default "reprise";  CASSANDRA_DC / CASSANDRA_RACK: datacenter1 / rack1
#   CASSANDRA_HEAP           -Xms/-Xmx, default 512M
#   CASSANDRA_RING_DELAY_MS  gossip settle time before joining; default 1000 when the node is its
#                            own only seed (nothing to learn: starts in ~10 s instead of ~40 s),
#                            else 10000 (Cassandra's own default is 30000)
#   CASSANDRA_CONSISTENT_RANGEMOVEMENT  default false, so nodes of a fresh test cluster may
#                            bootstrap at the same time
#   JVM_EXTRA_OPTS           appended to the java command line
set -euo pipefail
log() { echo "reprise-cassandra: $*" >&2; }

address="${CASSANDRA_ADDRESS:-$(hostname -i | awk '{print $1}')}"
seeds="${CASSANDRA_SEEDS:-}"
if [[ -z "$seeds" && -n "${CASSANDRA_SEED_SERVICE:-}" ]]; then
  # Tasks of a dnsrr service register in DNS as they start; retry briefly so a node started
  # together with its peers still sees at least itself.
  for _ in $(seq 1 10); do
    resolved="$(getent ahostsv4 "tasks.$CASSANDRA_SEED_SERVICE" 2>/dev/null | awk '{print $1}' | sort -u -t . -k1,1n -k2,2n -k3,3n -k4,4n || true)"
    [[ -n "$resolved" ]] && break
    sleep 1
  done
  seeds="$(echo "$resolved" | head -n 1)"
  log "tasks.$CASSANDRA_SEED_SERVICE resolves to [$(echo $resolved)]; seed $seeds"
fi
seeds="${seeds:-$address}"
log "address $address, seeds $seeds"

conf=/etc/cassandra
sed -e "s/@ADDRESS@/$address/g" -e "s/@SEEDS@/$seeds/g" \
    -e "s/@CLUSTER_NAME@/${CASSANDRA_CLUSTER_NAME:-reprise}/g" \
    "$conf/cassandra.yaml.template" > "$conf/cassandra.yaml"
printf 'dc=%s\nrack=%s\nprefer_local=true\n' "${CASSANDRA_DC:-datacenter1}" "${CASSANDRA_RACK:-rack1}" \
    > "$conf/cassandra-rackdc.properties"
mkdir -p /var/lib/cassandra/{data,commitlog,saved_caches,hints,cdc_raw}

mapfile -t jvm_opts < <(grep -vE '^\s*(#|$)' "$conf/jvm17.options")
heap="${CASSANDRA_HEAP:-512M}"
opts=(-Xms"$heap" -Xmx"$heap" "${jvm_opts[@]}"
  -javaagent:/opt/cassandra/lib/jamm-0.3.2.jar
  -Dcassandra-foreground=yes
  -Dcassandra.config=file://$conf/cassandra.yaml
  -Dcassandra.storagedir=/var/lib/cassandra
  -Dcassandra.logdir=/var/log/cassandra
  -Dlogback.configurationFile=$conf/logback.xml
  -Dcassandra.skip_wait_for_gossip_to_settle=0
  -Dcassandra.jmx.local.port=7199
  -Dcassandra.consistent.rangemovement="${CASSANDRA_CONSISTENT_RANGEMOVEMENT:-false}")
if [[ "$seeds" == "$address" ]]; then ring_delay=1000; else ring_delay=10000; fi
opts+=(-Dcassandra.ring_delay_ms="${CASSANDRA_RING_DELAY_MS:-$ring_delay}")
# shellcheck disable=SC2206
[[ -n "${JVM_EXTRA_OPTS:-}" ]] && opts+=($JVM_EXTRA_OPTS)
# exec: the JVM is PID 1's replacement, so `docker stop` (SIGTERM) reaches Cassandra directly.
exec java "${opts[@]}" -cp "$conf:/opt/cassandra/lib/*" org.apache.cassandra.service.CassandraDaemon
