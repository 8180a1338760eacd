#!/usr/bin/env bash
# Builds the base image localhost/ghl-mock-base:bookworm from Debian packages alone: no container
# registry is needed (none is reachable in CI). debootstrap lays a minimal bookworm root file
# system with Python 3.11 and its venv module, and `podman import` turns it into an image.
# Idempotent: does nothing when the image exists (FORCE=1 rebuilds it).
# Needs root, podman and debootstrap (apt-get install podman debootstrap).
# The mirror is the first bookworm one in /etc/apt/sources.list(.d); DEBIAN_MIRROR overrides it.
set -euo pipefail

IMAGE="${BASE_IMAGE:-localhost/ghl-mock-base:bookworm}"
SUITE=bookworm
PACKAGES=python3,python3-venv,ca-certificates

if [ "${FORCE:-0}" != 1 ] && podman image exists "$IMAGE"; then
  echo "build-base: $IMAGE exists, nothing to do (FORCE=1 rebuilds it)"
  exit 0
fi
for tool in podman debootstrap; do
  command -v "$tool" >/dev/null || { echo "build-base: $tool is missing: apt-get install -y podman debootstrap" >&2; exit 2; }
done

# The machine's own Debian mirror: deb822 "URIs:" lines (debian.sources) or one-line "deb URL bookworm ...".
mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
    | awk -v suite="$SUITE" '
        /^deb[ \t]/ && $0 ~ (" " suite "( |$)") { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }
        /^URIs:/ { uri = $2 }
        /^Suites:/ && uri != "" && uri !~ /security/ { for (i = 2; i <= NF; i++) if ($i == suite) { print uri; exit } }
        /^$/ { uri = "" }' || true)
fi
mirror="${mirror:-http://deb.debian.org/debian}"

rootfs=$(mktemp -d /var/tmp/ghl-mock-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
echo "build-base: debootstrap --variant=minbase --include=$PACKAGES $SUITE $rootfs $mirror"
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
  || { tail -n 30 "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1; }
rm -f "$rootfs.log"

# Nothing the image needs at run time: package lists, caches, documentation.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*

echo "build-base: podman import -> $IMAGE"
tar -C "$rootfs" --numeric-owner -c . | podman import --change 'CMD ["/bin/bash"]' - "$IMAGE" >/dev/null
podman image ls "$IMAGE"
