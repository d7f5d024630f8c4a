#!/usr/bin/env bash
# One arm's configuration, run by perfsuite after the arm's namespace and netserver are up and before its first case.
# perfsuite describes the arm in the environment: PERFSUITE_SERVER (base or head), PERFSUITE_NETNS (the namespace),
# PERFSUITE_HOST_IF and PERFSUITE_NETNS_IF (the two ends of its veth pair), PERFSUITE_SERVER_HOST, PERFSUITE_CONTROL_PORT.
# A pull request changes its copy of this script; the base branch's copy configures the control arm.
set -euo pipefail
echo "configuring arm ${PERFSUITE_SERVER} (namespace ${PERFSUITE_NETNS}, ${PERFSUITE_HOST_IF} <-> ${PERFSUITE_NETNS_IF})"
# examples of what an arm may set, inside its own namespace only (host-wide settings would change both arms):
#   ip netns exec "$PERFSUITE_NETNS" sysctl -qw net.ipv4.tcp_congestion_control=bbr
#   ip netns exec "$PERFSUITE_NETNS" sysctl -qw net.ipv4.tcp_rmem="4096 131072 6291456"
#   ip netns exec "$PERFSUITE_NETNS" tc qdisc replace dev "$PERFSUITE_NETNS_IF" root fq
ip netns exec "$PERFSUITE_NETNS" sysctl -qw net.ipv4.tcp_slow_start_after_idle=0
