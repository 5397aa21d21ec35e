#!/bin/sh
# Install what the browser test needs on a fresh Debian machine: Debian's chromium (Playwright's own
# browser builds are never downloaded) and CJK fonts for readable screenshots.
# Usage: sh tests/browser_setup.sh   (needs root; does nothing when everything is present)
set -e
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need="$need fonts-noto-cjk"
[ -z "$need" ] && { echo "browser_setup: chromium and fonts-noto-cjk present"; exit 0; }
if [ "$(id -u)" != "0" ]; then
  echo "browser_setup: need root to apt-get install$need" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends $need fontconfig >/dev/null
echo "browser_setup: installed$need"
