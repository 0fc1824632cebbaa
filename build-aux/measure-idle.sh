#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# How often the idle app wakes with the demo home and the Dashboard shown:
# voluntary context switches (a thread going to sleep and being woken) of
# every thread per second, apart from preemptions (other work on a busy
# machine taking the core), and CPU time as a share of
# one core, over SECONDS (default 60) after a 20-second settle.
#
#   build-aux/measure-idle.sh [BUILDDIR] [SECONDS]
#
# Runs the uninstalled build under Xvfb in a private D-Bus session with a
# fresh data folder; prints "wakeups/s", "preempted/s" and "cpu %".

set -euo pipefail
build="${1:-_build}"
seconds="${2:-60}"
build="$(cd "$build" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp" 2>/dev/null || true' EXIT

export XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache"
export GSETTINGS_BACKEND=memory GSK_RENDERER=cairo GDK_BACKEND=x11 GTK_USE_PORTAL=0 ADW_DISABLE_PORTAL=1
export GSETTINGS_SCHEMA_DIR="$build/data"
mkdir -p "$XDG_DATA_HOME"

"$build/src/cli/aetherlens-cli" demo >/dev/null

cat > "$tmp/inner.sh" <<INNER
#!/usr/bin/env bash
set -euo pipefail
"$build/src/app/aetherlens" &
app=\$!
sleep 20
threads () {
  for t in /proc/\$app/task/*; do
    echo "\$(basename \$t) \$(tr ' ' _ < \$t/comm) \$(awk '/^voluntary_ctxt_switches/ {s+=\$2} END {print s}' \$t/status)"
  done | sort
}
sum () {
  local total=0
  for t in /proc/\$app/task/*/status; do
    v=\$(awk -v k="^\$1_ctxt_switches" '\$0 ~ k {s+=\$2} END {print s}' "\$t")
    total=\$((total + v))
  done
  echo \$total
}
ticks () { awk '{print \$14 + \$15}' /proc/\$app/stat; }
threads > "$tmp/t0"; s0=\$(sum voluntary); p0=\$(sum nonvoluntary); c0=\$(ticks)
sleep $seconds
threads > "$tmp/t1"; s1=\$(sum voluntary); p1=\$(sum nonvoluntary); c1=\$(ticks)
join "$tmp/t0" "$tmp/t1" | awk -v d=$seconds '{ if (\$5 > \$3) printf "  thread %-16s %.1f wakeups/s\\n", \$2, (\$5 - \$3) / d }'

hz=\$(getconf CLK_TCK)
kill \$app; wait \$app 2>/dev/null || true
awk -v s=\$((s1 - s0)) -v p=\$((p1 - p0)) -v c=\$((c1 - c0)) -v d=$seconds -v hz=\$hz \
  'BEGIN { printf "wakeups/s %.1f\npreempted/s %.1f\ncpu %% %.2f\n", s / d, p / d, 100 * c / hz / d }'
INNER
chmod +x "$tmp/inner.sh"
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$tmp/inner.sh"
