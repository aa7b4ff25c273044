#!/usr/bin/env bash
# Checks the system programs the tests use (Chromium, PocketSphinx + its US-English model, flite, the worker's build tools, HAProxy); installs them
# when it can (root with apt-get), otherwise fails with the exact command to run. Never skips silently.
set -euo pipefail

# gcc, libc6-dev, pkg-config and libpocketsphinx-dev build the PocketSphinx decoder worker (lib/speech/pocketsphinx/sphinx-worker.c);
# haproxy fronts the cluster test (scripts/lib/cluster.speech.test.ts).
PACKAGES="chromium pocketsphinx pocketsphinx-en-us flite gcc libc6-dev pkg-config libpocketsphinx-dev haproxy"
MODEL_DIR="/usr/share/pocketsphinx/model/en-us"

missing() {
  local problems=()
  [ -x /usr/bin/chromium ] || problems+=("chromium (/usr/bin/chromium)")
  command -v pocketsphinx_continuous >/dev/null 2>&1 || problems+=("pocketsphinx_continuous")
  for f in "$MODEL_DIR/en-us/mdef" "$MODEL_DIR/en-us.lm.bin" "$MODEL_DIR/cmudict-en-us.dict"; do
    [ -r "$f" ] || { problems+=("the PocketSphinx en-us model ($f)"); break; }
  done
  command -v flite >/dev/null 2>&1 || problems+=("flite")
  command -v gcc >/dev/null 2>&1 || problems+=("gcc")
  { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists pocketsphinx; } || problems+=("libpocketsphinx-dev (pkg-config pocketsphinx)")
  [ -x /usr/sbin/haproxy ] || command -v haproxy >/dev/null 2>&1 || problems+=("haproxy")
  if [ ${#problems[@]} -gt 0 ]; then printf '%s\n' "${problems[@]}"; fi
}

# Exits with $1 when nothing is missing; otherwise lists what is, under $2, and returns.
done_or_list() {
  local problems
  problems="$(missing)"
  if [ -z "$problems" ]; then
    echo "$1"
    exit 0
  fi
  echo "$2"
  while IFS= read -r line; do echo "  - $line"; done <<<"$problems"
}

done_or_list "test prerequisites: chromium, pocketsphinx, pocketsphinx-en-us, flite, the worker's build tools and haproxy are installed" "test prerequisites missing:"
# The install (or the exact command, when it cannot install) is the one npm start uses too.
bash "$(dirname "$0")/ensure-debian-packages.sh" $PACKAGES || exit 1
done_or_list "test prerequisites installed" "still missing after installing:"
exit 1
