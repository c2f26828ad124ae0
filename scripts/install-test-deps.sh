#!/usr/bin/env bash
# Install what the browser tests need beyond pip: Debian's chromium (the tests drive it
# headless through playwright's Python package; `playwright install` is never used, since it
# downloads a browser build). Safe to run again: does nothing when chromium is there.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "installed $(/usr/bin/chromium --version 2>/dev/null | head -1)" >&2
