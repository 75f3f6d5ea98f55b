#!/usr/bin/env bash
# Installs, on Debian or Ubuntu, the programs the tests drive for real when they are missing:
# Chromium (board end-to-end and the HTML report; playwright cannot download browsers here),
# the loudspeaker's command-line players and espeak-ng (radio), and ps (process checks).
# Run as root (CI runs as root); it changes nothing when everything is there.
set -euo pipefail
need=()
for pair in chromium:chromium mpg123:mpg123 aplay:alsa-utils ffmpeg:ffmpeg ffplay:ffmpeg espeak-ng:espeak-ng ps:procps; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
