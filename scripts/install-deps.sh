#!/usr/bin/env bash
# Installs the system packages perfsuite needs: netperf 2.7 (netperf + netserver).
# With --dev, also what its tests need: xmllint (JUnit schema check), a headless Chromium (report.html check)
# iproute2 (namespaces and tc-shaped links) and openssh-server (the ssh tests run an sshd of their own).
# Debian: netperf is in the non-free component, which this adds as a separate sources entry.
# Ubuntu: netperf is in multiverse. macOS: Homebrew. Runs apt as root, through sudo when needed.
set -Eeuo pipefail
# never end without saying why: the line and command that failed (set -e would otherwise end the script silently);
# a command run through as_root or try_root is named with its arguments, at the line that called it
on_error() {
  local status=$1 line=$2 command=$3
  shift 3
  if [ "$command" = '"$@"' ] && [ "$#" -gt 0 ]; then command="$*" line=${BASH_LINENO[1]:-$line}; fi
  echo "install-deps.sh: stopped at line $line: \`$command\` failed (exit status $status), so nothing after it ran; see the messages above, fix that and rerun (or install netperf 2.7 and Node.js 20 or newer yourself)" >&2
}
trap 'on_error "$?" "$LINENO" "$BASH_COMMAND" "$@"' ERR
# the root of the files it reads and edits (/etc, /proc, /run): the machine's own; its tests point it at a made-up tree
sysroot=${PERFSUITE_SYSROOT:-}

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
# off and the daemon is stopped; perfsuite starts its own netservers, bound to 127.0.0.1. This touches the system only
# when this run installed netperf or finds that daemon listening, says each thing it changed, and stops only a process
# it can show is the daemon: /usr/bin/netserver listening on port 12865 on an address other than loopback, started as
# the init script starts it (plain `netserver`, which daemonises): not with -D or -Z, as perfsuite's own ssh-peer
# netserver (`netserver -D -p 12865 -Z …`) and one a user runs in the foreground are.
# Nothing here is fatal: without root it says what to do instead.
try_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif have sudo; then sudo "$@"
  else return 1
  fi
}
# the listeners on port 12865 (0x3241) bound to an address other than loopback, as "inode address" lines, read from
# /proc/net/tcp and tcp6 (no ss needed: a minimal Debian has no iproute2)
network_12865() {
  local tables=() table
  for table in "$sysroot/proc/net/tcp" "$sysroot/proc/net/tcp6"; do [ -r "$table" ] && tables+=("$table"); done
  [ "${#tables[@]}" -gt 0 ] || return 0
  awk '$4 == "0A" && $2 ~ /:3241$/ {
    ip = substr($2, 1, index($2, ":") - 1)
    if (length(ip) == 8) {
      if (substr(ip, 7, 2) == "7F") next
      address = sprintf("%d.%d.%d.%d", hex(substr(ip, 7, 2)), hex(substr(ip, 5, 2)), hex(substr(ip, 3, 2)), hex(substr(ip, 1, 2)))
    } else {
      if (ip == "00000000000000000000000001000000") next
      if (substr(ip, 1, 24) == "0000000000000000FFFF0000" && substr(ip, 31, 2) == "7F") next
      address = (ip == "00000000000000000000000000000000") ? "[::]" : "[IPv6 " ip "]"
    }
    print $10, address ":12865"
  }
  function hex(h,   i, n) { n = 0; for (i = 1; i <= length(h); i++) n = n * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1; return n }' "${tables[@]}"
}
# the pids whose open files include socket inode $1
pids_of_socket() {
  local fd
  { try_root find "$sysroot/proc" -mindepth 3 -maxdepth 3 -path "$sysroot/proc/[0-9]*/fd/*" -lname "socket:\\[$1\\]" 2>/dev/null || true; } |
    while IFS= read -r fd; do fd=${fd#"$sysroot/proc/"}; echo "${fd%%/*}"; done | sort -u
}
# whether the command line of netserver pid $1 is the daemon's (status 0): no -D or -Z in it, alone or among other
# letters (-4D, -Zsecret); 1 when it has one, 2 when it cannot be read
daemon_command_line() {
  local arg args=0
  while IFS= read -r -d '' arg || [ -n "$arg" ]; do
    args=$((args + 1))
    case "$arg" in -[!-]*[DZ]* | -[DZ]*) return 1 ;; esac
  done < <(try_root cat "$sysroot/proc/$1/cmdline" 2>/dev/null || true)
  [ "$args" -gt 0 ] || return 2
}
# sets daemon (pid address lines: Debian's daemon, /usr/bin/netserver listening on the network as its init script
# starts it) and others (listeners on the network on port 12865 that this script cannot show are that daemon, described)
find_listeners() {
  daemon=''
  others=''
  local inode address pids pid exe status
  while read -r inode address; do
    [ -n "$inode" ] || continue
    pids=$(pids_of_socket "$inode")
    if [ -z "$pids" ]; then others+="${others:+; }$address (its process is not visible to this script)"; continue; fi
    for pid in $pids; do
      exe=$(try_root readlink "$sysroot/proc/$pid/exe" 2>/dev/null || true)
      if [ "$exe" != /usr/bin/netserver ]; then others+="${others:+; }$address (pid $pid, ${exe:-an unknown program})"; continue; fi
      status=0
      daemon_command_line "$pid" || status=$?
      case $status in
        0) daemon+="$pid $address"$'\n' ;;
        1) others+="${others:+; }$address (pid $pid, /usr/bin/netserver started with -D or -Z, which Debian's init script does not pass: perfsuite's ssh peer or someone's own)" ;;
        *) others+="${others:+; }$address (pid $pid, /usr/bin/netserver whose command line is not readable)" ;;
      esac
    done
  done < <(network_12865)
}
warn_others() {
  [ -z "$1" ] || echo "warning: something listens on port 12865 (netserver's default) on the network, and this script cannot show it is Debian's netserver daemon, so it left it running: $1; if it is a netserver, stop it (as root: kill <pid>), since it answers netperf from other machines" >&2
}
boot_links() { compgen -G "$sysroot/etc/rc[2-5].d/S*netperf" || true; }
systemd_enabled() { have systemctl && [ -d "$sysroot/run/systemd/system" ] && systemctl is-enabled netperf >/dev/null 2>&1; }
# $1: whether this run installed netperf
switch_off_netperf_daemon() {
  local installed_now=$1 daemon others changes=() failed=() pid address
  [ -x "$sysroot/etc/init.d/netperf" ] || return 0
  find_listeners
  if ! $installed_now && [ -z "$daemon" ]; then
    # netperf was installed before and its daemon is not running: leave the system as it is
    warn_others "$others"
    if [ -n "$(boot_links)" ] || systemd_enabled; then
      echo "note: Debian's netserver daemon (every interface, port 12865) is not running but is set to start at boot; left as it is: switch it off with sudo update-rc.d netperf disable" >&2
    fi
    return 0
  fi
  if [ -f "$sysroot/etc/default/netperf" ] && grep -q '^NETSERVER_ENABLE=YES' "$sysroot/etc/default/netperf"; then
    if try_root sed -i 's/^NETSERVER_ENABLE=YES/NETSERVER_ENABLE=NO/' "$sysroot/etc/default/netperf"; then changes+=("set NETSERVER_ENABLE=NO in /etc/default/netperf")
    else failed+=("set NETSERVER_ENABLE=NO in /etc/default/netperf"); fi
  fi
  if [ -n "$(boot_links)" ]; then
    # (update-rc.d also asks systemctl, which complains where there is no netperf unit: the links are the result)
    if have update-rc.d; then try_root update-rc.d netperf disable >/dev/null 2>&1 || true; fi
    if [ -z "$(boot_links)" ]; then changes+=("removed its start at boot (update-rc.d netperf disable)")
    else failed+=("run update-rc.d netperf disable"); fi
  fi
  if systemd_enabled; then
    if try_root systemctl disable netperf >/dev/null 2>&1; then changes+=("systemctl disable netperf")
    else failed+=("run systemctl disable netperf"); fi
  fi
  # stopped by its pid (the init script's stop would end every netserver, a perfsuite run's own on 127.0.0.1 too), once
  # however many sockets it listens on; kill runs in sh, whose kill is built in (a minimal Debian has no procps)
  local stopped=' ' todo
  while read -r pid address; do
    [ -n "$pid" ] || continue
    case "$stopped" in *" $pid "*) continue ;; esac
    stopped+="$pid "
    try_root sh -c 'kill "$1"' kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do try_root sh -c 'kill -0 "$1"' kill "$pid" 2>/dev/null || break; sleep 0.1; done
    if try_root sh -c 'kill -0 "$1"' kill "$pid" 2>/dev/null; then failed+=("kill $pid (the daemon, listening on $address)")
    else changes+=("stopped it: netserver pid $pid, listening on $address"); fi
  done <<< "$daemon"
  if [ "${#changes[@]}" -gt 0 ]; then
    echo "switched off the netserver daemon of Debian's netperf package (it listens on every interface, port 12865, and starts at boot; perfsuite starts its own on 127.0.0.1):"
    printf '  - %s\n' "${changes[@]}"
  fi
  if [ "${#failed[@]}" -gt 0 ]; then
    todo=$(printf '%s; ' "${failed[@]}")
    echo "warning: Debian's netperf package starts a netserver daemon on every interface (port 12865), and this script could not switch it off entirely (that needs root); still to do, as root: ${todo%; }" >&2
  fi
  warn_others "$others"
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
if ! $need_netperf && ! $need_xmllint && ! $need_browser && ! $need_iproute && ! $need_sshd; then switch_off_netperf_daemon false; finish; fi

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

. "$sysroot/etc/os-release"
as_root apt-get update -qq
packages=()
if $need_netperf; then
  if ! apt-cache policy netperf 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    if [ "${ID:-}" = "ubuntu" ]; then
      as_root apt-get install -y -qq software-properties-common
      as_root add-apt-repository -y multiverse
    elif [ -f "$sysroot/etc/apt/sources.list.d/debian.sources" ]; then
      # copy the main Debian entry (URIs, Suites, Signed-By) with Components: non-free
      awk 'BEGIN { RS = ""; ORS = "\n\n" }
           /URIs:[^\n]*\/debian\/?(\n|$)/ && !/security/ && !done { sub(/Components:[^\n]*/, "Components: non-free"); print; done = 1 }' \
        "$sysroot/etc/apt/sources.list.d/debian.sources" | as_root tee "$sysroot/etc/apt/sources.list.d/perfsuite-non-free.sources" >/dev/null
    else
      # the machine's own Debian mirror, from its one-line sources (scripts/debian-mirror.awk), else the default one
      mirror=$(cat "$sysroot/etc/apt/sources.list" "$sysroot"/etc/apt/sources.list.d/*.list 2>/dev/null | awk -v codename="${VERSION_CODENAME:-}" -f "$(dirname "$0")/debian-mirror.awk" || true)
      echo "deb ${mirror:-http://deb.debian.org/debian} ${VERSION_CODENAME} non-free" | as_root tee "$sysroot/etc/apt/sources.list.d/perfsuite-non-free.list" >/dev/null
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
switch_off_netperf_daemon "$need_netperf"
if $dev; then echo "installed for tests: $(xmllint --version 2>&1 | head -n 1); $( (chromium --version || chromium-browser --version || google-chrome --version) 2>/dev/null | head -n 1)"; fi
if $need_sshd; then echo "note: the openssh-server package starts the system sshd (port 22) on Debian and Ubuntu; the tests do not use it (they run an sshd of their own on 127.0.0.1); stop it with: systemctl disable --now ssh"; fi
finish
