#!/usr/bin/env bash
# Merge benchmark (issue 18): generates 3 sorted per-host record files of TOTAL_MB megabytes together
# (default 600; what agents write: container log lines without `host`, stats samples and container
# events with it, RecordJson form, time first) and times `RecordMerge` (the merge `master collect` and
# multi-host runs use, through dev.reprise.master.merge.MergeBench in a fresh JVM with -Xmx64m) against
# GNU `sort -m` on the time field of the same files (LC_ALL=C sort -s -m -t'"' -k4,4), paired run by
# run with the order alternating (A B, B A, ...), page cache warm. Prints wall, CPU (user+sys) and peak
# RSS of every run, then the medians and the ratio sort-wall / merge-wall (>= 1: the merge is at least
# as fast as sort -m). With --original also times the pre-issue-18 merge (OriginalRecordMerge, default
# heap) and checks that both merges wrote the same bytes.
#
# Usage: scripts/bench-merge.sh [TOTAL_MB] [--pairs N] [--original] [--heap SIZE]
# Env: BENCH_DIR (default master-controller/target/bench-merge) holds the generated files (kept and
#      reused for the same size) and the outputs; SKIP_BUILD=1 skips the build; BENCH_CP replaces the
#      classpath (e.g. a copy of an older build, to measure it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mb=600 pairs=3 original=0 heap=64m
while [[ $# -gt 0 ]]; do
  case "$1" in
    --pairs) pairs="$2"; shift 2 ;;
    --original) original=1; shift ;;
    --heap) heap="$2"; shift 2 ;;
    [0-9]*) mb="$1"; shift ;;
    *) echo "usage: $0 [TOTAL_MB] [--pairs N] [--original] [--heap SIZE]" >&2; exit 2 ;;
  esac
done
dir="${BENCH_DIR:-$root/master-controller/target/bench-merge}"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  # the shaded master (what `bin/master` runs) and the test classes (the bench main, the original merge)
  ./mvnw -o -B -q -pl master-controller -am package -DskipTests >/dev/null
fi
cp="${BENCH_CP:-$root/master-controller/target/test-classes:$root/master-controller/target/master-all.jar}"
main=dev.reprise.master.merge.MergeBench
in="$dir/in-$mb"
if [[ ! -f "$in/.done" ]]; then
  rm -rf "$in"
  echo "generating $mb MB in $in ..." >&2
  java -cp "$cp" "$main" generate "$in" "$mb"
  touch "$in/.done"
fi
files=("$in"/node*.jsonl)
args=()
for f in "${files[@]}"; do args+=("$(basename "$f" .jsonl)=$f"); done
bytes=$(cat "${files[@]}" | wc -c)
lines=$(cat "${files[@]}" | wc -l)
cat "${files[@]}" >/dev/null # warm the page cache
printf 'input: %d files, %.1f MB, %d records\n' "${#files[@]}" "$(echo "$bytes / 1048576" | bc -l)" "$lines"

# run NAME CMD...: one timed run; appends "NAME wall cpu rss_kb" to $results
results="$dir/results.txt"
: >"$results"
rm -f "$dir"/merge.err "$dir"/original.err
run() {
  local name="$1"; shift
  /usr/bin/time -o "$dir/$name.time" -f '%e %U %S %M' "$@" 2>"$dir/$name.err" >"$dir/$name.stdout"
  local t; t=$(tail -n1 "$dir/$name.time")
  read -r wall user sys rss <<<"$t"
  local cpu; cpu=$(echo "$user + $sys" | bc -l)
  printf '  %-9s wall %6.2f s  cpu %6.2f s  peak RSS %7.1f MB\n' "$name" "$wall" "$cpu" "$(echo "$rss / 1024" | bc -l)"
  echo "$name $wall $cpu $rss" >>"$results"
}
# each run writes a fresh file: replacing a 600 MB file costs the kernel ~2 s of sys time, which would be timed
merge() { rm -f "$dir/out-merge.jsonl"; run merge java -Xmx"$heap" -cp "$cp" "$main" merge "$dir/out-merge.jsonl" "${args[@]}"; }
sortm() { rm -f "$dir/out-sort.jsonl"; run sort-m sh -c 'LC_ALL=C exec sort -s -m -t"\"" -k4,4 "$@" >"'"$dir"'/out-sort.jsonl"' sh "${files[@]}"; }
orig() { rm -f "$dir/out-original.jsonl"; run original java -cp "$cp" "$main" merge --original "$dir/out-original.jsonl" "${args[@]}"; }

for ((i = 1; i <= pairs; i++)); do
  echo "pair $i:"
  if ((i % 2)); then merge; sortm; else sortm; merge; fi
  if ((original)); then orig; fi
done
grep -h "RecordMerge: " "$dir"/merge.err "$dir"/original.err 2>/dev/null | sed 's/^/  /' || true

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
stat() { awk -v n="$1" -v c="$2" '$1 == n {print $c}' "$results" | median; }
echo "medians over $pairs pair(s):"
for n in merge sort-m original; do
  grep -q "^$n " "$results" || continue
  printf '  %-9s wall %6.2f s  cpu %6.2f s  peak RSS %7.1f MB  %6.1f MB/s\n' "$n" "$(stat "$n" 2)" "$(stat "$n" 3)" \
    "$(echo "$(stat "$n" 4) / 1024" | bc -l)" "$(echo "$bytes / 1048576 / $(stat "$n" 2)" | bc -l)"
done
# paired ratios: sort-m wall / merge wall, run by run
paste <(awk '$1 == "sort-m" {print $2}' "$results") <(awk '$1 == "merge" {print $2}' "$results") |
  awk '{r = $1 / $2; s = s sprintf(" %.2f", r)} END {print "ratio sort-m wall / merge wall, per pair:" s}'
if ((original)); then
  if cmp -s "$dir/out-merge.jsonl" "$dir/out-original.jsonl"; then echo "outputs: merge and original byte-identical";
  else echo "outputs: merge and original DIFFER" >&2; exit 1; fi
fi
