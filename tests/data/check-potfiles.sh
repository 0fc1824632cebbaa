#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# TAP: every source file with translatable strings is listed in po/POTFILES.in,
# and every listed file exists.
set -u
root="$1"
cd "$root" || exit 1
n=0
fail=0
echo "1..2"
missing=$(grep -rlE '(\b_\(|\bN_\(|\bC_\(|translatable="yes")' src data --include='*.c' --include='*.ui' --include='*.in' --include='*.xml' 2>/dev/null \
          | grep -v '\.gresource\.xml$' | sort | while read -r f; do grep -qxF "$f" po/POTFILES.in || echo "$f"; done)
if [ -n "$missing" ]; then
  echo "not ok 1 - files with translatable strings missing from po/POTFILES.in: $(echo $missing)"
else
  echo "ok 1 - every file with translatable strings is in po/POTFILES.in"
fi
gone=$(grep -vE '^(#|$)' po/POTFILES.in | while read -r f; do [ -f "$f" ] || echo "$f"; done)
if [ -n "$gone" ]; then
  echo "not ok 2 - po/POTFILES.in lists files that do not exist: $(echo $gone)"
else
  echo "ok 2 - every file in po/POTFILES.in exists"
fi
