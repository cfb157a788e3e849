#!/usr/bin/env bash
# Exactly what CI runs: formatting, lints, then the test suite (the README's test command).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
# The Windows console launcher is a crate of its own (std only; it builds on Linux too).
launcher=(--manifest-path packaging/windows/launcher/Cargo.toml)
cargo fmt "${launcher[@]}" -- --check
cargo clippy "${launcher[@]}" --target-dir target/launcher --locked -- -D warnings
cargo test --all-targets --locked
# The keyring round trip against a real Secret Service (gnome-keyring in a private D-Bus session).
bash scripts/keyring-test.sh
