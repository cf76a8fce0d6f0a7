#!/usr/bin/env bash
# Installs what the test suite needs beyond Python packages: a PostgreSQL server from
# Debian's packages (the tests start their own throw-away cluster on a loopback port), and
# Chromium for the browser tests (scripts/install-browser.sh).
# Idempotent; does nothing when everything is already there.
set -euo pipefail

have_postgres() { ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; }

need=()
have_postgres || need+=(postgresql)

# the browser tests: Debian's Chromium, driven by Playwright's Python package
bash "$(dirname "$0")/install-browser.sh"

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "installing test dependencies: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts a cluster on install; the tests use their own, so stop the packaged one.
if command -v pg_ctlcluster >/dev/null 2>&1; then
  for conf in /etc/postgresql/*/main; do
    [ -d "$conf" ] || continue
    version=$(basename "$(dirname "$conf")")
    $SUDO pg_ctlcluster "$version" main stop >/dev/null 2>&1 || true
  done
fi
