#!/usr/bin/env bash
# Exactly what CI runs: formatting, lints, then the test suite (the README's test command).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --all-targets --locked
# The keyring round trip against a real Secret Service (gnome-keyring in a private D-Bus session).
bash scripts/keyring-test.sh
