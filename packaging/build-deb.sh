#!/usr/bin/env bash
# Builds the Debian package with cargo-deb (installed first if it is missing) and prints its path.
#
#   bash packaging/build-deb.sh          release build (cargo build --release), then the .deb in
#                                        target/debian/
#   bash packaging/build-deb.sh --ci     no release build: packages the dev-profile binary that
#                                        `cargo test --all-targets` already built, with faster
#                                        compression, into target/debian-debug/ (what CI installs
#                                        and starts; not for distribution)
#
# COUPON_STUDIO_DEB_CI=1 is the same as --ci. Further arguments go to `cargo deb`.
# The package's contents are configured in Cargo.toml, [package.metadata.deb].
set -euo pipefail
cd "$(dirname "$0")/.."

# A version known to build with the project's Rust (1.95); any installed cargo-deb is used as is.
CARGO_DEB_VERSION=3.8.0

ci="${COUPON_STUDIO_DEB_CI:-0}"
args=()
for a in "$@"; do
  case "$a" in
    --ci) ci=1 ;;
    *) args+=("$a") ;;
  esac
done

if ! cargo deb --version >/dev/null 2>&1; then
  echo "cargo-deb not found: installing cargo-deb $CARGO_DEB_VERSION" >&2
  start=$SECONDS
  cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked
  echo "cargo install cargo-deb: $((SECONDS - start)) s" >&2
fi

# The last line cargo-deb prints on stdout is the path of the package.
if [ "$ci" = 1 ]; then
  # cargo-deb packages `target/release/<bin>` of the target dir it is given and refuses debug
  # profiles, so the debug binary is staged as the release binary of a separate target dir.
  # `cargo test --no-run` is a no-op right after `cargo test --all-targets` and otherwise
  # builds the binary the integration tests use. (`cargo build --bin` would not be: without
  # the dev-dependencies the features of shared crates differ, and some 40 crates rebuild —
  # 4 min 50 s on a clean CI clone.)
  cargo test --all-targets --no-run --locked
  stage=target/deb-staging
  rm -rf "$stage"
  mkdir -p "$stage/release"
  cp target/debug/coupon-studio "$stage/release/coupon-studio"
  out=$(CARGO_TARGET_DIR="$stage" cargo deb --no-build --locked --fast \
    --output target/debian-debug/ "${args[@]}" | tail -n 1)
  rm -rf "$stage"
else
  out=$(cargo deb --locked --output target/debian/ "${args[@]}" | tail -n 1)
fi

if [ ! -f "$out" ]; then
  echo "cargo deb did not report a package (got: $out)" >&2
  exit 1
fi
echo "$out"
