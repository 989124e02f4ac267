#!/usr/bin/env bash
# Installs uv (pinned) into a private venv, so `make` works where python3 is Debian's own (PEP 668: no
# pip install into the system interpreter). Usage: bootstrap_uv.sh PYTHON TOOLS_DIR UV_VERSION
set -euo pipefail
python=$1 tools=$2 version=$3
if [ -x "$tools/bin/uv" ] && [ "$("$tools/bin/uv" --version | cut -d' ' -f2)" = "$version" ]; then
  exit 0
fi
if ! "$python" -m venv --clear "$tools" >/dev/null 2>&1; then
  # Debian ships venv's pip bootstrap separately (python3-venv); as root, install it from Debian's packages.
  minor=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: $python has no venv module with pip; installing python$minor-venv from Debian" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python$minor-venv" >/dev/null
    "$python" -m venv --clear "$tools"
  else
    echo "bootstrap: '$python -m venv' failed; install python$minor-venv (Debian/Ubuntu) and run make again" >&2
    exit 1
  fi
fi
"$tools/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$version"
"$tools/bin/uv" --version
