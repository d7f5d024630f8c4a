#!/usr/bin/env bash
# Installs the system packages perfsuite and its tests need: netperf 2.7 (netperf + netserver).
# Debian: netperf is in the non-free component, which this adds as a separate sources entry.
# Ubuntu: netperf is in multiverse. macOS: Homebrew. Runs apt as root, through sudo when needed.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if command -v netperf >/dev/null 2>&1 && command -v netserver >/dev/null 2>&1; then
  echo "netperf already installed: $(netperf -V 2>&1 | head -n 1)"
  exit 0
fi

case "$(uname -s)" in
  Darwin)
    brew install netperf
    exit 0
    ;;
esac

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install netperf 2.7 with your package manager (it provides netperf and netserver), then rerun" >&2
  exit 1
fi

. /etc/os-release
as_root apt-get update -qq
if ! apt-cache policy netperf 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  if [ "${ID:-}" = "ubuntu" ]; then
    as_root apt-get install -y -qq software-properties-common
    as_root add-apt-repository -y multiverse
  elif [ -f /etc/apt/sources.list.d/debian.sources ]; then
    # copy the main Debian entry (URIs, Suites, Signed-By) with Components: non-free
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
         /URIs:[^\n]*\/debian\/?(\n|$)/ && !/security/ && !done { sub(/Components:[^\n]*/, "Components: non-free"); print; done = 1 }' \
      /etc/apt/sources.list.d/debian.sources | as_root tee /etc/apt/sources.list.d/perfsuite-non-free.sources >/dev/null
  else
    echo "deb http://deb.debian.org/debian ${VERSION_CODENAME} non-free" | as_root tee /etc/apt/sources.list.d/perfsuite-non-free.list >/dev/null
  fi
  as_root apt-get update -qq
fi
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq netperf
echo "installed: $(netperf -V 2>&1 | head -n 1)"
