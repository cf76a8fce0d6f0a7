#!/usr/bin/env bash
# Installs what the browser tests (tests/test_browser.py) need beyond Python packages:
# Debian's headless-capable Chromium, driven by Playwright's Python package through
# `executable_path` (no browser download from Playwright's CDN).
# Idempotent; does nothing when the browser is already there.
set -euo pipefail

have_chromium() { [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; }

need=()
have_chromium || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "installing browser test dependencies: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null
