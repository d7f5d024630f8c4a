#!/usr/bin/env bash
# Installs the system packages perfsuite needs: netperf 2.7 (netperf + netserver).
# With --dev, also what its tests need: xmllint (JUnit schema check), a headless Chromium (report.html check)
# iproute2 (namespaces and tc-shaped links) and openssh-server (the ssh tests run an sshd of their own).
# Debian: netperf is in the non-free component, which this adds as a separate sources entry.
# Ubuntu: netperf is in multiverse. macOS: Homebrew. Runs apt as root, through sudo when needed.
set -euo pipefail

dev=false
for arg in "$@"; do
  case "$arg" in
    --dev) dev=true ;;
    *) echo "usage: $0 [--dev]" >&2; exit 2 ;;
  esac
done

have() { command -v "$1" >/dev/null 2>&1; }
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif have sudo; then sudo "$@"
  else
    echo "installing packages needs root, and this machine has no sudo: run this script as root (su -c 'bash $0 $*'), or install sudo" >&2
    exit 1
  fi
}

# perfsuite needs Node.js 20 or newer (Debian 12's nodejs package is 18): said at the end (netperf is installed
# anyway, which is all an ssh peer needs), and the script then fails, so `… && npm ci` stops before npm's own errors
node_advice=''
if have node; then
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$node_major" -lt 20 ]; then
    node_advice="perfsuite needs Node.js 20 or newer, and the node on PATH ($(command -v node)) is $(node -v); install a current LTS (22 or 24), e.g. from https://nodejs.org or NodeSource's Debian packages, or with nvm (on GitHub Actions: actions/setup-node), then rerun"
  fi
else
  echo "note: no node on PATH; perfsuite needs Node.js 20 or newer (a current LTS, 22 or 24) for npm ci and npx perfsuite" >&2
fi
finish() {
  if [ -n "$node_advice" ]; then echo "$node_advice" >&2; exit 1; fi
  exit 0
}

# Debian's netperf package starts a netserver daemon listening on every interface (port 12865), now and at every boot.
# Its init script ignores NETSERVER_ENABLE (it tests the variable's name, not its value), so the boot links are switched
# off and a daemon listening on the network is stopped; perfsuite starts its own netservers, bound to 127.0.0.1.
# Nothing here is fatal: without root it says what to do instead.
try_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif have sudo; then sudo "$@"
  else return 1
  fi
}
# the listeners on port 12865 bound to an address other than loopback, as `ss` prints them
network_12865() { have ss && ss -Hltnp 'sport = :12865' 2>/dev/null | awk '$4 !~ /^(127\.|\[::1\])/'; }
switch_off_netperf_daemon() {
  [ -x /etc/init.d/netperf ] || return 0
  local changed=false failed=false listeners pids
  if [ -f /etc/default/netperf ] && grep -q '^NETSERVER_ENABLE=YES' /etc/default/netperf; then
    if try_root sed -i 's/^NETSERVER_ENABLE=YES/NETSERVER_ENABLE=NO/' /etc/default/netperf; then changed=true; else failed=true; fi
  fi
  if ls /etc/rc[2-5].d/S*netperf >/dev/null 2>&1; then
    # (update-rc.d also asks systemctl, which complains where there is no netperf unit: the links are the result)
    if have update-rc.d; then try_root update-rc.d netperf disable >/dev/null 2>&1 || true; fi
    if ls /etc/rc[2-5].d/S*netperf >/dev/null 2>&1; then failed=true; else changed=true; fi
  fi
  if have systemctl && [ -d /run/systemd/system ] && systemctl is-enabled netperf >/dev/null 2>&1; then
    if try_root systemctl disable netperf >/dev/null 2>&1; then changed=true; else failed=true; fi
  fi
  # stop a netserver listening on the network by its pid (the init script's stop would end every netserver, a
  # perfsuite run's own on 127.0.0.1 too)
  listeners=$(network_12865)
  if [ -n "$listeners" ]; then
    pids=$(printf '%s\n' "$listeners" | grep -o '"netserver",pid=[0-9]*' | cut -d= -f2 | sort -u)
    for pid in $pids; do try_root kill "$pid" 2>/dev/null || true; done
    for _ in 1 2 3 4 5 6 7 8 9 10; do [ -z "$(network_12865)" ] && break; sleep 0.2; done
    if [ -n "$pids" ] && [ -z "$(network_12865)" ]; then changed=true; fi
  fi
  listeners=$(network_12865)
  if [ -n "$listeners" ]; then
    echo "warning: something listens on port 12865 (netserver's default) on the network, and this script could not stop it: $(printf '%s' "$listeners" | head -n 1); stop it (as root: systemctl stop netperf, or kill it), since it answers netperf from other machines" >&2
  elif $failed; then
    echo "warning: Debian's netperf package starts a netserver daemon on every interface (port 12865) at boot, and switching it off needs root: run sudo update-rc.d netperf disable" >&2
  elif $changed; then
    echo "switched off the netserver daemon of Debian's netperf package (which listens on every interface, port 12865, and starts at boot); perfsuite starts its own on 127.0.0.1"
  fi
  if ! have ss; then echo "note: without ss (iproute2) this script cannot check that nothing listens on port 12865" >&2; fi
}

have_browser() { have chromium || have chromium-browser || have google-chrome || [ -n "${PERFSUITE_CHROMIUM:-}" ]; }

need_netperf=true
if have netperf && have netserver; then
  echo "netperf already installed: $(netperf -V 2>&1 | head -n 1)"
  need_netperf=false
fi
need_xmllint=false
need_browser=false
need_iproute=false
need_sshd=false
if $dev; then
  # the ssh tests start an OpenSSH server of their own on 127.0.0.1 (nothing is started here)
  [ -x /usr/sbin/sshd ] || [ "$(uname -s)" != Linux ] || need_sshd=true
  have xmllint || need_xmllint=true
  have_browser || need_browser=true
  # ip and tc make the namespace and the shaped link of the regression-gate test
  if [ "$(uname -s)" = Linux ] && ! { have ip && have tc; }; then need_iproute=true; fi
fi
if ! $need_netperf && ! $need_xmllint && ! $need_browser && ! $need_iproute && ! $need_sshd; then switch_off_netperf_daemon; finish; fi

case "$(uname -s)" in
  Darwin)
    if $need_netperf; then brew install netperf; fi
    if $need_browser; then brew install --cask chromium; fi
    finish
    ;;
esac

if ! have apt-get; then
  echo "install netperf 2.7 (netperf and netserver)$($dev && echo ', xmllint and chromium') with your package manager, then rerun" >&2
  exit 1
fi

. /etc/os-release
as_root apt-get update -qq
packages=()
if $need_netperf; then
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
      # the machine's own Debian mirror, from its one-line sources (scripts/debian-mirror.awk), else the default one
      mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk -v codename="${VERSION_CODENAME:-}" -f "$(dirname "$0")/debian-mirror.awk" || true)
      echo "deb ${mirror:-http://deb.debian.org/debian} ${VERSION_CODENAME} non-free" | as_root tee /etc/apt/sources.list.d/perfsuite-non-free.list >/dev/null
    fi
    as_root apt-get update -qq
  fi
  packages+=(netperf)
fi
if $need_xmllint; then packages+=(libxml2-utils); fi
if $need_iproute; then packages+=(iproute2); fi
if $need_sshd; then packages+=(openssh-server openssh-client); fi
if $need_browser; then
  # Ubuntu ships Chromium only as a snap; its GitHub runners have google-chrome already
  if [ "${ID:-}" = "ubuntu" ]; then packages+=(chromium-browser); else packages+=(chromium); fi
fi
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
if $need_netperf; then
  echo "installed: $(netperf -V 2>&1 | head -n 1)"
fi
switch_off_netperf_daemon
if $dev; then echo "installed for tests: $(xmllint --version 2>&1 | head -n 1); $( (chromium --version || chromium-browser --version || google-chrome --version) 2>/dev/null | head -n 1)"; fi
if $need_sshd; then echo "note: the openssh-server package starts the system sshd (port 22) on Debian and Ubuntu; the tests do not use it (they run an sshd of their own on 127.0.0.1); stop it with: systemctl disable --now ssh"; fi
finish
