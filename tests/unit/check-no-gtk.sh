#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# TAP: fails if the given binary (which links only libaether-core) needs GTK,
# libadwaita or GDK at run time, or if src/core includes their headers.
set -u
bin="$1"
echo "1..2"
if ldd "$bin" | grep -E 'lib(gtk-4|gtk-3|adwaita-1|gdk)' ; then
  echo "not ok 1 - $bin links GTK"
else
  echo "ok 1 - $(basename "$bin") links no GTK, libadwaita or GDK"
fi
src="${AETHERLENS_SOURCE_ROOT:-.}/src/core"
if grep -rlE '#include[[:space:]]*[<"](gtk/|adwaita\.h|gdk/)' "$src" ; then
  echo "not ok 2 - src/core includes GTK headers"
else
  echo "ok 2 - src/core includes no GTK headers"
fi
