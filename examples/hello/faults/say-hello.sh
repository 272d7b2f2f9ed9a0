#!/bin/sh
# A custom fault that only reports where it ran: shows that Reprise copied it into the container
# and ran it with the scenario's arguments. Exit code 0.
echo "say-hello: running in $(hostname) with arguments: $*"
