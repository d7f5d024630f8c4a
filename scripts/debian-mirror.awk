# The machine's own Debian mirror, from one-line apt sources on stdin (install-deps.sh; tested in
# test/install/debian-mirror.test.ts): past any [options], an http(s) …/debian URI whose suite is this release's
# codename (-v codename=bookworm) with main among its components. Not security, updates or backports, never a cdrom:
# entry or a third-party repository such as Docker's …/linux/debian (its components are not main). Prints the first.
$1 == "deb" {
  i = 2
  if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
  uri = $i; suite = $(i + 1); main = 0
  for (j = i + 2; j <= NF; j++) if ($j == "main") main = 1
  if (uri ~ /^https?:\/\/[^ ]*\/debian\/?$/ && uri !~ /security/ && suite == codename && main) { print uri; exit }
}
