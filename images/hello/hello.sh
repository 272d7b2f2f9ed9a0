#!/bin/sh
# reprise/hello's entrypoint: prints numbered lines, logs the signals it gets.
#   HELLO_INTERVAL  seconds between lines (default 1; fractions allowed)
#   HELLO_COUNT     stop printing after this many lines and stay idle (default: never stop)
# SIGUSR1 and SIGUSR2 are logged and ignored; SIGTERM and SIGINT are logged and end the container
# with exit code 0 (a graceful stop). `sleep & wait` keeps the shell responsive to signals.
n=0
trap 'echo "hello: got SIGUSR1 after line $n"' USR1
trap 'echo "hello: got SIGUSR2 after line $n"' USR2
trap 'echo "hello: got SIGTERM after line $n, exiting"; exit 0' TERM
trap 'echo "hello: got SIGINT after line $n, exiting"; exit 0' INT
echo "hello: started on $(hostname) pid $$ interval ${HELLO_INTERVAL:-1}s count ${HELLO_COUNT:-unlimited}"
while [ -z "${HELLO_COUNT:-}" ] || [ "$n" -lt "$HELLO_COUNT" ]; do
  n=$((n + 1))
  echo "hello line $n"
  sleep "${HELLO_INTERVAL:-1}" &
  wait $!
done
echo "hello: printed $n lines, idling"
while :; do
  sleep 3600 &
  wait $!
done
