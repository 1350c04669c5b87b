#!/bin/sh
# Installs the Debian packages Lunar builds and tests with, then builds LuaJIT from Debian's
# source package luajit2 with -DLUAJIT_ENABLE_CHECKHOOK into $LJ_PREFIX (so that SCRIPT KILL can
# interrupt loops running as compiled traces). Silent and fast when everything is present, and
# then it needs no root; otherwise it must run as root. Stops with "setup: error: ..." on failure.
set -e
PKGS="build-essential cmake pkg-config libuv1-dev libluajit2-5.1-dev robin-map-dev catch2
libtoml11-dev redis-server redis-tools python3 python3-redis"

die() { echo "setup: error: $*" >&2; exit 1; }
need_root() { [ "$(id -u)" = "0" ] || die "$1 (run as root, or do it by hand)"; }

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "setup: missing packages:$missing (run as root, or install them)" >&2
    exit 1
  fi
  echo "setup: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# --- LuaJIT with hook checks in compiled traces -------------------------------------------
# The build matches Debian's debian/rules (`make amalg`, LuaJIT's own CFLAGS, GC64 being the
# x86-64 default of this source) plus XCFLAGS below. The stamp names the source version and
# the build; the CMake build uses $LJ_PREFIX only when its stamp carries the CHECKHOOK flag.
LJ_PREFIX=/opt/lunar/luajit
LJ_XCFLAGS="-DLUAJIT_ENABLE_CHECKHOOK"
LJ_STAMP="$LJ_PREFIX/lunar-luajit.stamp"
LJ_VER=$(dpkg-query -W -f='${Version}' libluajit2-5.1-dev 2>/dev/null) ||
  die "libluajit2-5.1-dev is not installed"
want_stamp="source=luajit2 $LJ_VER
build=make amalg XCFLAGS=$LJ_XCFLAGS PREFIX=$LJ_PREFIX"
if [ -f "$LJ_PREFIX/lib/libluajit-5.1.a" ] && [ -f "$LJ_PREFIX/include/luajit-2.1/luajit.h" ] &&
   [ "$(cat "$LJ_STAMP" 2>/dev/null)" = "$want_stamp" ]; then
  exit 0
fi

need_root "LuaJIT $LJ_VER with CHECKHOOK must be built into $LJ_PREFIX"
export DEBIAN_FRONTEND=noninteractive
echo "setup: building LuaJIT (luajit2 $LJ_VER, $LJ_XCFLAGS) into $LJ_PREFIX"
work=$(mktemp -d /tmp/lunar-luajit.XXXXXX)
trap 'rm -rf "$work"' EXIT
log="$work/log"
# step WHAT CMD...: runs CMD with its output in the log; on failure shows the log's tail.
step() {
  what=$1; shift
  if ! "$@" >>"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "$what failed (command: $*)"
  fi
}

# apt-get source needs a deb-src entry for this release's main component.
. /etc/os-release
suite=${VERSION_CODENAME:-bookworm}
have_src_version() {
  apt-cache showsrc luajit2 2>/dev/null | grep -qx "Version: $LJ_VER"
}
has_deb_src_entry() {
  # One-line format (sources.list, *.list) and deb822 format (*.sources, Enabled: no skipped).
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v s="$suite" '$1 == "deb-src" { sub(/\[[^]]*\]/, ""); if ($3 == s) for (i = 4; i <= NF; i++)
      if ($i == "main") found = 1 } END { exit !found }' "$f" && return 0
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" }
      { t = su = c = 0; en = 1
        for (i = 1; i <= NF; i++) {
          line = $i; if (line ~ /^[ \t]*#/) continue
          key = tolower(line); sub(/:.*/, "", key); val = " " line " "; sub(/^[^:]*:/, " ", val)
          gsub(/[ \t]+/, " ", val)
          if (key == "types" && val ~ / deb-src /) t = 1
          if (key == "suites" && index(val, " " s " ")) su = 1
          if (key == "components" && val ~ / main /) c = 1
          if (key == "enabled" && val ~ / no /) en = 0 }
        if (t && su && c && en) found = 1 }
      END { exit !found }' "$f" && return 0
  done
  return 1
}
if ! have_src_version; then
  if ! has_deb_src_entry; then
    # Same archive as the binary packages of this release (first one apt knows), else Debian's.
    uri=$(apt-get indextargets --format '$(REPO_URI)' 'Created-By: Packages' "Release: $suite" \
          'Component: main' 2>/dev/null | head -n 1)
    [ -n "$uri" ] || uri=http://deb.debian.org/debian
    src_file=/etc/apt/sources.list.d/lunar-deb-src.sources
    {
      echo "# Added by Lunar's scripts/setup.sh: source packages (apt-get source luajit2)."
      echo "Types: deb-src"
      echo "URIs: $uri"
      echo "Suites: $suite"
      echo "Components: main"
      if [ -f /usr/share/keyrings/debian-archive-keyring.gpg ]; then
        echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
      fi
    } >"$src_file"
  fi
  step "apt-get update" apt-get update -qq
  have_src_version || die "source package luajit2 $LJ_VER is not available from the configured \
deb-src entries (see /etc/apt/sources.list.d/); it must match libluajit2-5.1-dev $LJ_VER"
fi
for p in dpkg-dev xz-utils make gcc libc6-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    step "apt-get install $p" apt-get install -y -qq --no-install-recommends "$p"
done

# As root, apt-get downloads into the root-owned $work unsandboxed (a warning, in the log).
step "apt-get source luajit2=$LJ_VER" sh -c "cd '$work' && apt-get source -qq 'luajit2=$LJ_VER'"
srcdir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'luajit2-*' | head -n 1)
[ -n "$srcdir" ] && [ -f "$srcdir/Makefile" ] || die "apt-get source luajit2 gave no source tree"
step "building LuaJIT" make -C "$srcdir" -j2 amalg XCFLAGS="$LJ_XCFLAGS" PREFIX="$LJ_PREFIX"
"$srcdir/src/luajit" -e 'assert(jit.status())' >>"$log" 2>&1 || {
  tail -n 30 "$log" >&2; die "the LuaJIT just built does not run or its JIT is off"; }
rm -rf "$LJ_PREFIX"
step "installing LuaJIT into $LJ_PREFIX" make -C "$srcdir" install PREFIX="$LJ_PREFIX"
printf '%s\n' "$want_stamp" >"$LJ_STAMP"
