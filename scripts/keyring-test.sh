#!/usr/bin/env bash
# The keyring round trip against a real Secret Service: a private D-Bus session with
# gnome-keyring unlocked by a throwaway password, then the test that stores, reads and deletes
# an AppSecret through the `keyring` crate. Elsewhere that test can only check that "no
# keyring" is reported; here a missing keyring fails it.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v gnome-keyring-daemon >/dev/null || ! command -v dbus-run-session >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends gnome-keyring dbus
fi

dbus-run-session -- bash -c '
  set -euo pipefail
  # A fresh keyring home, so a developer'"'"'s own keyring is never touched.
  export XDG_DATA_HOME=$(mktemp -d) HOME=$(mktemp -d) CARGO_HOME=${CARGO_HOME:-'"$HOME"'/.cargo} RUSTUP_HOME=${RUSTUP_HOME:-'"$HOME"'/.rustup}
  printf "ci-keyring-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  COUPON_STUDIO_REQUIRE_KEYRING=1 cargo test --lib --locked -- --exact \
    accounts::secrets::tests::the_real_keyring_round_trips_when_there_is_one --nocapture
'
