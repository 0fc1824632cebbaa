#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""TAP: the Flatpak manifest parses, targets the GNOME runtime, builds the
modules the app needs, and asks for no more sandbox holes than it uses."""

import json
import shutil
import subprocess
import sys

path = sys.argv[1]
results = []


def check(ok, what):
    results.append((ok, what))


with open(path, encoding="utf-8") as f:
    manifest = json.load(f)
check(True, "manifest is valid JSON")

check(manifest.get("id") == "io.github.aetherlens.AetherLens", "id is the application id")
check(manifest.get("runtime") == "org.gnome.Platform" and manifest.get("sdk") == "org.gnome.Sdk",
      "runtime is org.gnome.Platform with org.gnome.Sdk")
check(str(manifest.get("runtime-version", "")).isdigit(), "runtime-version is a GNOME release branch")
check(manifest.get("command") == "aetherlens", "command is aetherlens")

names = [m["name"] if isinstance(m, dict) else m for m in manifest.get("modules", [])]
for needed in ("libpeas", "libportal", "libpq", "mosquitto", "aetherlens"):
    check(needed in names, f"module {needed} is built")
check(names and names[-1] == "aetherlens", "the app is the last module")

# Avahi, and only Avahi, on the system bus: device discovery over mDNS.
allowed = {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11",
           "--device=dri", "--system-talk-name=org.freedesktop.Avahi"}
args = set(manifest.get("finish-args", []))
check(args == allowed, "finish-args are exactly network, ipc, wayland, fallback-x11, dri, Avahi"
      + ("" if args == allowed else f" (got {sorted(args)})"))

for m in manifest.get("modules", []):
    if isinstance(m, dict):
        check(bool(m.get("sources")), f"module {m.get('name')} has sources")

if shutil.which("flatpak-builder"):
    proc = subprocess.run(["flatpak-builder", "--show-manifest", path],
                          capture_output=True, text=True)
    check(proc.returncode == 0, "flatpak-builder --show-manifest accepts it"
          + ("" if proc.returncode == 0 else ": " + proc.stderr.strip()))

print(f"1..{len(results)}")
for i, (ok, what) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {what}")
