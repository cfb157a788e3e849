#!/usr/bin/env bash
# Installs the system packages the build, the app and the tests need (Debian 12). Idempotent:
# only missing packages are installed, so a developer machine is not touched twice.
set -euo pipefail

# Build: a C compiler (SQLite is bundled and compiled), pkg-config, libdbus headers (the
# keyring crate talks to the Secret Service, e.g. gnome-keyring, over D-Bus).
# Run: OpenGL (Mesa, software rendering works too) and X11/Wayland client libraries.
# Headless runs (the cold-start benchmark, the package smoke test): Xvfb and xauth.
# The real keyring test (scripts/keyring-test.sh): a D-Bus session and gnome-keyring.
. "$(dirname "$0")/lib/apt.sh"
apt_ensure build-essential pkg-config libdbus-1-dev libgl1 libegl1 libgl1-mesa-dri \
  libxkbcommon-x11-0 libx11-xcb1 libxcursor1 libxrandr2 libxi6 xvfb xauth dbus gnome-keyring

if ! command -v cargo >/dev/null; then
  echo "cargo not found: install Rust 1.95 with rustup (https://rustup.rs) first" >&2
  exit 1
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true
# The third-party SDK run (scripts/third-party.sh): Python with venv, and node + npm. Only
# what is missing is installed (a machine may have its own python3 and node).
command -v python3 >/dev/null && python3 -c "import venv, ensurepip" 2>/dev/null || apt_ensure python3 python3-venv
command -v npm >/dev/null || apt_ensure nodejs npm
