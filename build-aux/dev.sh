#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The two commands of the README, for a fresh Debian 12 or Ubuntu machine:
#
#   ./build-aux/dev.sh run    install what is missing, build, install into
#                             ./_install and launch AetherLens
#   ./build-aux/dev.sh test   install what is missing, build with -Werror and
#                             run every test headless; ends with "N passed, N failed"
#
# Both can be run again: packages already there are not reinstalled, and the
# build directory is reused. Run as root or as a user with sudo.
# Options: --sanitize (test with AddressSanitizer and UBSan in _build-asan).

set -euo pipefail

cd "$(dirname "$0")/.."
root="$PWD"

packages=(
  # toolchain
  gcc meson ninja-build pkg-config gettext itstool python3
  # libraries
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev
  libsqlite3-dev libpeas-dev libportal-gtk4-dev libsecret-1-dev libxml2-dev
  libpq-dev
  libmosquitto-dev
  # run time
  adwaita-icon-theme librsvg2-common gsettings-desktop-schemas fonts-cantarell yelp
  sqlite3
  # tests and validators
  xvfb xauth dbus python3-dbusmock gnome-keyring desktop-file-utils appstream yelp-tools
  libglib2.0-bin flatpak-builder
  # the sinks' tests start real servers
  influxdb postgresql-15
  mosquitto mosquitto-clients
)

log () { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_packages () {
  local missing=()
  for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "All ${#packages[@]} packages are installed"
    return
  fi

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Please run as root or install sudo" >&2; exit 1; }
    sudo=(sudo)
  fi
  log "Installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

setup_build () {
  local dir="$1"; shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
  meson compile -C "$dir"
}

summarize () {
  # meson's own summary is not read by CI; this line is.
  python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = subtests = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        if not line.strip():
            continue
        t = json.loads(line)
        r = t.get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
            print(f"FAILED: {t.get('name')} ({r})")
        subtests += sum(1 for l in (t.get("stdout") or "").splitlines() if l.startswith(("ok ", "not ok ")))
print(f"{subtests} TAP sub-tests inside them")
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
}

run_tests () {
  local dir="$1"; shift
  setup_build "$dir" "$@"
  local status=0
  meson test -C "$dir" --print-errorlogs --num-processes 2 || status=$?
  log "Screenshots of every window: $dir/tests/ui/screenshots/"
  summarize "$dir"
  return $status
}

# The Parquet archive is read back by real readers (DuckDB, hyparquet) in the
# tests, from the npm registry; Debian's Node.js when the machine has none.
ensure_parquet_readers () {
  if ! command -v npm >/dev/null; then
    packages=(nodejs npm)
    ensure_packages
  fi
  if [ ! -d tests/parquet/node_modules/hyparquet ] || [ tests/parquet/package-lock.json -nt tests/parquet/node_modules ]; then
    log "Installing the Parquet readers the tests use (tests/parquet)"
    (cd tests/parquet && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

cmd="${1:-}"
shift || true

case "$cmd" in
  run)
    ensure_packages
    setup_build _build -Dprofile=development -Dprefix="$root/_install"
    meson install -C _build --quiet
    export XDG_DATA_DIRS="$root/_install/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
    export GSETTINGS_SCHEMA_DIR="$root/_install/share/glib-2.0/schemas"
    log "Launching AetherLens"
    exec "$root/_install/bin/aetherlens" "$@"
    ;;
  test)
    ensure_packages
    ensure_parquet_readers
    if [ "${1:-}" = "--sanitize" ]; then
      export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"
      export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
      run_tests _build-asan -Dprofile=development -Db_sanitize=address,undefined -Db_lundef=false
    else
      run_tests _build -Dprofile=development -Dwerror=true -Dprefix="$root/_install"
    fi
    ;;
  *)
    sed -n '4,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
