#!/usr/bin/env bash
# Makes a Debian bullseye (glibc 2.31) sysroot for amd64 or arm64 under
# .cache/sysroots/<arch>, so the prebuilt engines reference only old glibc
# symbol versions. Idempotent: a finished sysroot is kept.
# Usage: scripts/sysroot.sh amd64|arm64   (prints the sysroot's path)
set -euo pipefail
arch=${1:?usage: sysroot.sh amd64|arm64}
case "$arch" in amd64|arm64) ;; *) echo "sysroot.sh: unknown arch $arch" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${TINYEVENT_SYSROOTS:-$root/.cache/sysroots}
dir=$cache/bullseye-$arch
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# libatomic1: Node 26's arm64 binary needs it (the qemu smoke test runs it here).
packages=libc6-dev,linux-libc-dev,libstdc++6,libgcc-s1,libatomic1
if [ "$(cat "$dir/.complete" 2>/dev/null)" = "$packages" ]; then echo "$dir"; exit 0; fi
rm -rf "$dir" && mkdir -p "$dir"
# --foreign only downloads and unpacks the base: nothing runs inside, so the
# same step works for a foreign architecture. The development packages are
# then unpacked by hand (a sysroot needs files, not configured packages).
debootstrap --foreign --variant=minbase --arch="$arch" \
  --include="$packages" \
  bullseye "$dir" "$mirror" >"$cache/debootstrap-$arch.log" 2>&1 \
  || { tail -20 "$cache/debootstrap-$arch.log" >&2; exit 1; }
for deb in "$dir"/var/cache/apt/archives/*.deb; do dpkg-deb -x "$deb" "$dir"; done
rm -f "$dir"/var/cache/apt/archives/*.deb
# Absolute symlinks (libpthread.so -> /lib/...) would point into the host.
find "$dir" -type l -lname '/*' -print0 | while IFS= read -r -d '' link; do
  target=$(readlink "$link")
  ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$dir$target")" "$link"
done
echo "$packages" >"$dir/.complete"
echo "$dir"
