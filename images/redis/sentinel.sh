#!/bin/sh
# sentinel.sh MASTER_HOST [QUORUM] [DOWN_AFTER_MS]: a sentinel watching master "mymaster" at
# MASTER_HOST:6379 (a name is resolved by the sentinel; hostnames announced as such).
set -eu
master="${1:?usage: sentinel.sh MASTER_HOST [QUORUM] [DOWN_AFTER_MS]}"
quorum="${2:-2}"
down="${3:-5000}"
# Wait until the master's name resolves (swarm DNS may lag the task start).
i=0
until getent hosts "$master" >/dev/null 2>&1 || [ "$i" -ge 60 ]; do i=$((i + 1)); sleep 1; done
conf=/tmp/sentinel.conf
cat > "$conf" <<CONF
port 26379
bind 0.0.0.0
protected-mode no
sentinel resolve-hostnames yes
sentinel announce-hostnames no
sentinel monitor mymaster $master 6379 $quorum
sentinel down-after-milliseconds mymaster $down
sentinel failover-timeout mymaster 10000
sentinel parallel-syncs mymaster 1
CONF
exec redis-sentinel "$conf"
