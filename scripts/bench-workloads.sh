#!/usr/bin/env bash
# Ops per client CPU-second at saturation, loopback only: traffic-gen --target redis --closed-loop
# against Debian's redis-benchmark (GET/SET, no pipelining), and traffic-gen --target http
# --closed-loop against wrk (GET), the same connections each. Servers: a redis-server and an nginx
# started here on free ports (scripts/setup-redis.sh, scripts/setup-nginx.sh install them and wrk),
# stopped on exit. Client CPU = user + sys of the client process (GNU time, else bash's times).
# Usage: scripts/bench-workloads.sh [SECONDS] [CONNECTIONS]   (default 10 s, 4 connections)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-10}"
conns="${2:-4}"
"$root/scripts/setup-redis.sh" >&2
"$root/scripts/setup-nginx.sh" >&2
jar="$root/traffic-generator/target/traffic-gen.jar"
[[ -f "$jar" ]] || (cd "$root" && ./mvnw -o -q -B -DskipTests -pl traffic-generator -am package) >&2
out="$root/target/bench-workloads/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out/nginx/tmp"
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
rport="$(free_port)"; hport="$(free_port)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --logfile "$out/redis.log" &
pids+=($!)
cat > "$out/nginx/nginx.conf" <<CONF
daemon off; pid $out/nginx/nginx.pid; error_log $out/nginx/error.log; worker_processes 1;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $out/nginx/tmp; proxy_temp_path $out/nginx/tmp;
 fastcgi_temp_path $out/nginx/tmp; uwsgi_temp_path $out/nginx/tmp; scgi_temp_path $out/nginx/tmp;
 server { listen 127.0.0.1:$hport; location / { return 200 "ok\n"; } } }
CONF
nginx -c "$out/nginx/nginx.conf" -p "$out/nginx" &
pids+=($!)
sleep 1

# cpu_of STDOUT_FILE CMD...: runs CMD (its stdout to the file), prints its user+sys CPU seconds
cpu_of() { local f="$1"; shift; /usr/bin/time -f "%U %S" -o "$out/time.txt" "$@" >"$f"; awk '{printf "%.2f", $1 + $2}' "$out/time.txt"; }

row() { printf '%-34s %10s ops %8s cpu-s %12s ops/cpu-s\n' "$1" "$2" "$3" "$(awk -v o="$2" -v c="$3" 'BEGIN{printf "%.0f", o / c}')"; }

tg() {  # tg LABEL ARGS... -> ops, cpu
  local label="$1"; shift
  local cpu
  cpu="$(cpu_of /dev/null java -XX:+UseSerialGC -jar "$jar" "$@" --threads "$conns" --closed-loop \
    --duration-minutes "$(awk -v s="$secs" 'BEGIN{print s/60}')" --log "$out/$label.json" 2>"$out/$label.err")"
  local ops
  ops="$(python3 -c "import json;print(json.load(open('$out/$label.json'))['operations']['ok'])")"
  row "traffic-gen $label" "$ops" "$cpu"
}

echo "bench-workloads: ${secs} s each, $conns connections, loopback; figures in $out" >&2
echo "client                             ops            cpu            ops per client CPU-second"
tg redis-get --target redis --hosts "127.0.0.1:$rport" --mode read --value-size 3
tg redis-set --target redis --hosts "127.0.0.1:$rport" --mode write --value-size 3
n=$((secs * 25000))
for t in get set; do
  cpu="$(cpu_of "$out/redis-benchmark-$t.txt" redis-benchmark -p "$rport" -c "$conns" -n "$n" -t "$t" -d 3 -r 100000 -q)"
  row "redis-benchmark $t" "$n" "$cpu"
done
tg http-get --target http --urls "http://127.0.0.1:$hport/" --mode read
cpu="$(cpu_of "$out/wrk.txt" wrk -t 2 -c "$conns" -d "${secs}s" "http://127.0.0.1:$hport/")"
ops="$(awk '/requests in/ {print $1}' "$out/wrk.txt")"
row "wrk (2 threads)" "$ops" "$cpu"
