#!/bin/sh
# Regenerates the test video: 1.5 s of ffmpeg's test pattern with a 440 Hz tone, VP8 + Vorbis in WebM.
set -e
cd "$(dirname "$0")/../src/__fixtures__"
ffmpeg -loglevel error -y -f lavfi -i testsrc=size=320x180:rate=10 -f lavfi -i sine=frequency=440:sample_rate=48000 \
  -t 1.5 -c:v libvpx -b:v 40k -c:a libvorbis -ac 1 -b:a 32k test-pattern.webm
