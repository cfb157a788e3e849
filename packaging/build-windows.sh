#!/usr/bin/env bash
# Cross-builds the Windows program on Debian, then its installer and portable .zip.
#
#   bash packaging/build-windows.sh        release build: target/windows/
#   bash packaging/build-windows.sh --ci   debug build (about half the compile time; what CI
#                                          tests under Wine, not for distribution):
#                                          target/windows-debug/
#
# Both also build the console launcher coupon-studio.com (packaging/windows/launcher), which
# cmd and PowerShell wait for. Both write coupon-studio-<version>-x86_64-setup.exe (NSIS, per-user, no administrator
# rights) and coupon-studio-<version>-x86_64-portable.zip, and print their paths last.
# Installs what is missing first: the x86_64-pc-windows-gnu rust-std, mingw-w64 (linker and
# windres, which embeds the icon, version and manifest: build.rs), nsis and zip.
set -euo pipefail
cd "$(dirname "$0")/.."

ci=0
for a in "$@"; do
  case "$a" in
    --ci) ci=1 ;;
    *) echo "unknown argument: $a (only --ci)" >&2; exit 2 ;;
  esac
done
target=x86_64-pc-windows-gnu

# The cross toolchain. ../shared/ (beside the clone, in CI) carries a copy of the rust-std for
# machines where rustup cannot download it.
shared=../shared/toolchain/install-windows-target.sh
if [ -f "$shared" ]; then
  bash "$shared" >&2
else
  sysroot=$(rustc --print sysroot)
  [ -d "$sysroot/lib/rustlib/$target/lib" ] || rustup target add "$target" >&2
fi
. scripts/lib/apt.sh
apt_ensure gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 nsis zip

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
if [ "$ci" = 1 ]; then
  profile=(); built=target/$target/debug; out=target/windows-debug
else
  profile=(--release); built=target/$target/release; out=target/windows
fi
start=$SECONDS
cargo build --locked --target "$target" "${profile[@]}" --bin coupon-studio >&2
echo "cargo build ($target${profile[*]:+ release}): $((SECONDS - start)) s" >&2
# The console launcher, coupon-studio.com (packaging/windows/launcher): a crate of its own.
cargo build --locked --target "$target" "${profile[@]}" \
  --manifest-path packaging/windows/launcher/Cargo.toml --target-dir target/launcher >&2
launcher=target/launcher/$target/${built##*/}/coupon-studio-console.exe

# The staging folder is exactly what the installer installs and the .zip holds.
stage=$out/stage
rm -rf "$stage"
mkdir -p "$stage"
# Stripped: the debug symbols are for this machine's debugger, not for users (60 → 20 MB).
x86_64-w64-mingw32-strip -o "$stage/coupon-studio.exe" "$built/coupon-studio.exe"
# PATHEXT puts .COM before .EXE: `coupon-studio check …` typed at a prompt runs the launcher.
x86_64-w64-mingw32-strip -o "$stage/coupon-studio.com" "$launcher"
cp assets/fonts/OFL.txt "$stage/OFL-NotoSansCJK.txt"
cp README.md "$stage/README.md"
cp packaging/icons/coupon-studio.ico "$stage/coupon-studio.ico"
cp packaging/windows/portable.txt "$stage/使用说明 README.txt"

setup=$out/coupon-studio-$version-x86_64-setup.exe
zip=$out/coupon-studio-$version-x86_64-portable.zip
rm -f "$setup" "$zip"
makensis -V2 -WX -DVERSION="$version" -DSRCDIR="$PWD/$stage" -DOUTFILE="$PWD/$setup" \
  packaging/windows/installer.nsi >&2
(cd "$stage" && zip -q -9 -X -r "../$(basename "$zip")" .)
echo "$(du -h "$stage/coupon-studio.exe" | cut -f1) coupon-studio.exe, $(du -h "$setup" | cut -f1) setup, $(du -h "$zip" | cut -f1) zip" >&2
echo "$setup"
echo "$zip"
