#!/usr/bin/env bash
# Installs the Debian packages given that are not installed yet, when it can (root with apt-get); otherwise prints the
# exact command to run and exits 1. Shared by `npm test` (scripts/test-prereqs.sh) and `npm start` (scripts/start.ts).
# Usage: ensure-debian-packages.sh PACKAGE...
set -euo pipefail

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
for package in "$@"; do
  installed "$package" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "Debian packages installed: $*"
  exit 0
fi

if [ "$EUID" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing: apt-get update && apt-get install -y ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  exit 0
fi

echo "Debian packages missing: ${missing[*]}"
echo "Install them with:"
echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
exit 1
