#!/usr/bin/env bash
# Builds the ghl-mock image: the base first when missing (build-base.sh), then the wheels on this
# machine (ghl-mock and its runtime dependencies for the image's CPython 3.11), then the image.
#   container/build.sh [IMAGE]        default IMAGE: localhost/ghl-mock:latest
# PYTHON picks the interpreter whose pip builds the wheels (default: the repo's .venv, else python3).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
image="${1:-localhost/ghl-mock:latest}"
python="${PYTHON:-$repo/.venv/bin/python}"
[ -x "$python" ] || python=python3

bash "$here/build-base.sh"

context=$(mktemp -d /var/tmp/ghl-mock-context.XXXXXX)
trap 'rm -rf "$context"' EXIT
echo "build: wheels into $context (ghl-mock from $repo, dependencies for CPython 3.11)"
"$python" -m pip wheel --quiet --disable-pip-version-check --no-deps -w "$context/app" "$repo"
"$python" -m pip download -qq --disable-pip-version-check --only-binary=:all: \
  --python-version 3.11 --implementation cp -d "$context/deps" "$context"/app/*.whl
rm -f "$context"/deps/ghl_mock-*.whl

echo "build: podman build --format docker -t $image"
podman build --quiet --format docker --network none -f "$here/Dockerfile" -t "$image" "$context"
podman image ls "$image"
