#!/usr/bin/env bash
# CI's Windows check (run by .ci/run after the Linux checks): cross-builds the debug .exe, its
# installer and portable .zip (packaging/build-windows.sh --ci), then under Debian's Wine and
# Xvfb:
#   1. `coupon-studio.exe check` on the fixtures: exit codes 0, 1 and 2 and the Chinese title;
#   2. `coupon-studio.exe --first-frame` with no data folder set: the window renders at 100 %,
#      125 % and 150 % display scaling, the app reports its scale, first-frame time and peak
#      memory, and the simulator's state lands in %APPDATA%\coupon-studio;
#   3. the library's Windows tests (data folder, Credential Manager, Chinese paths, Excel's
#      CSV files) and the `check` integration tests, cross-compiled and run by Wine;
#   4. the setup.exe installed silently into a fresh prefix, the installed program started
#      (`doctor`: a secret round-trips through the Credential Manager; `--first-frame`),
#      then uninstalled, keeping and then purging the data folder
#      (packaging/windows/test-installer.sh).
#
# Wine 8 (Debian 12) lacks bcryptprimitives.dll, which every Rust program imports; the test
# prefixes get the shim from ../shared/toolchain/ (see ../shared/README.md). It is never shipped.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo "== $*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
wanted=(wine wine64 xvfb xauth x11-utils unzip)
missing=()
for p in "${wanted[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  step "installing ${missing[*]}"
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

step "cross-building the Windows debug build, its installer and .zip"
start=$SECONDS
mapfile -t built < <(bash packaging/build-windows.sh --ci)
setup=${built[0]}
zip=${built[1]}
exe=target/windows-debug/stage/coupon-studio.exe
[ -f "$setup" ] && [ -f "$zip" ] && [ -f "$exe" ] || fail "build-windows.sh made no setup/zip"
echo "built in $((SECONDS - start)) s: $(du -h "$exe" | cut -f1) exe (stripped), $(du -h "$setup" | cut -f1) $(basename "$setup"), $(du -h "$zip" | cut -f1) $(basename "$zip")"

step "building the Wine test shim (bcryptprimitives.dll)"
shim_src=../shared/toolchain/wine-bcryptprimitives.c
[ -f "$shim_src" ] || fail "$shim_src not found: the shared/ folder must sit beside the clone"
mkdir -p target/wine
shim=$PWD/target/wine/bcryptprimitives.dll
x86_64-w64-mingw32-gcc -shared -O2 -o "$shim" "$shim_src" -ladvapi32
export COUPON_STUDIO_WINE_SHIM=$shim

# One X server for every Wine step; a private HOME so Wine never touches a real desktop
# (cargo and rustup keep finding theirs).
export CARGO_HOME=${CARGO_HOME:-$HOME/.cargo} RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup}
work=$(mktemp -d)
Xvfb :97 -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null || true; wineserver -k 2>/dev/null || true; rm -rf "$work"' EXIT
# Wine converts console output and file names with the locale's charset: Chinese needs UTF-8.
export LC_ALL=C.UTF-8
export DISPLAY=:97 HOME=$work/home WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
export WINEPREFIX=$work/prefix
mkdir -p "$HOME"
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done

step "a fresh Wine prefix"
start=$SECONDS
wineboot -i >/dev/null 2>&1
wineserver -w
cp "$shim" "$WINEPREFIX/drive_c/windows/system32/"
echo "wineboot: $((SECONDS - start)) s, $(wine --version)"
winuser=$(wine cmd /c 'echo %USERNAME%' 2>/dev/null | tr -d '\r')
appdata=$WINEPREFIX/drive_c/users/$winuser/AppData/Roaming

step "coupon-studio.exe check: exit codes and Chinese output"
fixtures=tests/fixtures
expect_check() { # expected-code args...
  local want=$1; shift
  set +e
  wine "$exe" check "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  set -e
  [ "$rc" = "$want" ] || { cat "$work/out" "$work/err" >&2; fail "check $* exited $rc, expected $want"; }
  echo "ok: check $* → exit $rc"
}
expect_check 0 --now 1796054400 "$fixtures/down-jacket.json"
grep -q '羽绒服满500减50' "$work/out" || fail "the Chinese title is missing from check's output"
grep -q '消费满500元可用' "$work/out" || fail "the Chinese summary is missing from check's output"
echo "ok: the output is UTF-8 Chinese: $(head -n 1 "$work/out")"
expect_check 1 "$fixtures/guide-gift.json"
expect_check 2 "$fixtures/guide-gift-as-printed.txt"
grep -q . "$work/err" || fail "check gave no reason for exit 2"
expect_check 0 --json --lang en --now 1796054400 "$fixtures/down-jacket.json"
grep -q '"title":"羽绒服满500减50"' "$work/out" || grep -q '"title": "羽绒服满500减50"' "$work/out" \
  || fail "check --json has no Chinese title"

step "coupon-studio.exe --first-frame at 100 %, 125 % and 150 %"
for dpi in 96 120 144; do
  wine reg add 'HKCU\Control Panel\Desktop' /v LogPixels /t REG_DWORD /d "$dpi" /f >/dev/null 2>&1
  wineserver -w
  set +e
  timeout 300 wine "$exe" --first-frame >"$work/out" 2>"$work/err"
  rc=$?
  set -e
  line=$(grep -m 1 '^first frame:' "$work/out" || true)
  scale=$(sed -n 's/^scale: \([0-9.]*\).*/\1/p' "$work/out" | head -n 1)
  if [ "$rc" != 0 ] || [ -z "$line" ]; then
    cat "$work/out" "$work/err" >&2
    fail "--first-frame at $dpi dpi exited $rc"
  fi
  want=$(awk -v d="$dpi" 'BEGIN { printf "%.2f", d / 96 }')
  [ "$scale" = "$want" ] || { cat "$work/out" >&2; fail "at $dpi dpi the app drew at scale $scale, expected $want"; }
  echo "ok: $dpi dpi: $line; $(grep -m 1 '^scale:' "$work/out"); $(grep -m 1 '^renderer:' "$work/out")"
done
wine reg add 'HKCU\Control Panel\Desktop' /v LogPixels /t REG_DWORD /d 96 /f >/dev/null 2>&1
[ -f "$appdata/coupon-studio/sandbox-state.json" ] \
  || fail "no sandbox-state.json in %APPDATA%\\coupon-studio ($appdata/coupon-studio)"
echo "ok: the data folder is %APPDATA%\\coupon-studio: $(ls "$appdata/coupon-studio" | tr '\n' ' ')"

step "the Windows tests, cross-compiled and run by Wine"
start=$SECONDS
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
cargo test --locked --target x86_64-pc-windows-gnu --lib --test cli_check --test windows -- \
  --test-threads 2
echo "Windows tests: $((SECONDS - start)) s"
unset CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER

step "the installer: silent install, the installed program, uninstall"
export COUPON_STUDIO_INSTALLED_CHECK='wine "$INSTALLED_EXE" doctor && timeout 110 wine "$INSTALLED_EXE" --first-frame | grep "^first frame:"'
bash packaging/windows/test-installer.sh "$setup"

step "the portable .zip"
unzip -l "$zip" | grep -q 'coupon-studio.exe' || fail "the .zip has no coupon-studio.exe"
unzip -l "$zip"
echo "Windows check passed"
