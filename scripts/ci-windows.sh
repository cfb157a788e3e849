#!/usr/bin/env bash
# CI's Windows check (run by .ci/run after the Linux checks): cross-builds the debug .exe, its
# installer and portable .zip (packaging/build-windows.sh --ci), then under Debian's Wine and
# Xvfb:
#   1. `coupon-studio.exe check` on the fixtures: exit codes 0, 1 and 2 and the Chinese title;
#      then the same through cmd.exe and the console launcher coupon-studio.com, which a
#      prompt runs for `coupon-studio` (PATHEXT), including output redirected to a file;
#   2. `coupon-studio.exe --first-frame` with no data folder set: the window renders at 100 %,
#      125 % and 150 % display scaling, the app reports its scale, first-frame time and peak
#      memory, and the simulator's state lands in %APPDATA%\coupon-studio; the native Linux
#      binary's figures on the same X server beside them; and the renderer fallback: with
#      wgpu forced onto a graphics API it has no driver for, the window still opens with glow;
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

. scripts/lib/apt.sh
apt_ensure wine wine64 xvfb xauth x11-utils unzip

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

step "coupon-studio.com through cmd.exe: what typing \`coupon-studio …\` at a prompt runs"
pathext=$(wine cmd /c 'echo %PATHEXT%' 2>/dev/null | tr -d '\r' | tr '[:lower:]' '[:upper:]')
[ "${pathext%%;*}" = .COM ] || fail "PATHEXT does not start with .COM: $pathext"
stage_win=$(winepath -w "$PWD/$(dirname "$exe")")
fixtures_win=$(winepath -w "$PWD/$fixtures")
# A .bat file, because cmd expands %errorlevel% of a one-line `cmd /c` before running it.
expect_prompt() { # expected-code args...
  local want=$1; shift
  printf '@cd /d "%s"\r\n@coupon-studio %s\r\n@exit /b %%errorlevel%%\r\n' "$stage_win" "$*" \
    >"$WINEPREFIX/drive_c/prompt.bat"
  set +e
  wine cmd /c 'C:\prompt.bat' >"$work/out" 2>"$work/err"
  local rc=$?
  set -e
  [ "$rc" = "$want" ] || { cat "$work/out" "$work/err" >&2; fail "prompt: coupon-studio $* exited $rc, expected $want"; }
  echo "ok: prompt: coupon-studio $* → exit $rc"
}
expect_prompt 0 check --now 1796054400 "$fixtures_win\\down-jacket.json"
grep -q '羽绒服满500减50' "$work/out" || fail "the launcher did not pass the Chinese title through"
expect_prompt 1 check "$fixtures_win\\guide-gift.json"
expect_prompt 2 check "$fixtures_win\\guide-gift-as-printed.txt"
grep -q . "$work/err" || fail "check through the launcher gave no reason for exit 2"
expect_prompt 0 check --now 1796054400 "$fixtures_win\\down-jacket.json" '>C:\redirected.txt'
grep -q '羽绒服满500减50' "$WINEPREFIX/drive_c/redirected.txt" \
  || fail "output redirected to a file does not hold the UTF-8 Chinese title"
echo "ok: redirected to a file: $(head -n 1 "$WINEPREFIX/drive_c/redirected.txt")"
mkdir -p "$work/alone"
cp "$(dirname "$exe")/coupon-studio.com" "$work/alone/"
set +e
wine "$work/alone/coupon-studio.com" check x >"$work/out" 2>"$work/err"
rc=$?
set -e
[ "$rc" = 9 ] && grep -q 'coupon-studio.exe not found' "$work/err" \
  || { cat "$work/err" >&2; fail "the launcher without coupon-studio.exe exited $rc"; }
echo "ok: without coupon-studio.exe beside it the launcher says so: exit 9"

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
  cp "$work/out" "$work/first-frame-$dpi"
done
wine reg add 'HKCU\Control Panel\Desktop' /v LogPixels /t REG_DWORD /d 96 /f >/dev/null 2>&1
wineserver -w
# The 100 % figures of the loop above, for the comparison below.
wine100=$(grep -m 1 '^first frame:' "$work/first-frame-96" || true)

step "the same first frame natively (Linux, this X server) and under Wine"
native=target/debug/coupon-studio
[ -x "$native" ] || cargo build --locked --bin coupon-studio
set +e
COUPON_STUDIO_DATA_DIR=$work/native-data timeout 120 "$native" --first-frame >"$work/out" 2>"$work/err"
rc=$?
set -e
[ "$rc" = 0 ] || { cat "$work/out" "$work/err" >&2; fail "the native --first-frame exited $rc"; }
echo "native Linux (glow, Mesa): $(grep -m 1 '^first frame:' "$work/out")"
echo "Wine, 100 %:               $wine100"

step "the renderer fallback: wgpu cannot start, glow opens the window"
# The Windows build compiles wgpu with Direct3D 12 only; WGPU_BACKEND=vulkan asks it for an API
# it has no code for, so it finds no adapter, as on Windows without Direct3D 12.
set +e
COUPON_STUDIO_RENDERER=wgpu,glow WGPU_BACKEND=vulkan timeout 300 wine "$exe" --first-frame \
  >"$work/out" 2>"$work/err"
rc=$?
set -e
if [ "$rc" != 0 ] || ! grep -q '^renderer: glow' "$work/out" || ! grep -q 'trying the next renderer' "$work/err"; then
  cat "$work/out" "$work/err" >&2
  fail "the fallback from wgpu to glow did not happen (exit $rc)"
fi
echo "ok: $(grep -m 1 'trying the next renderer' "$work/err")"
echo "ok: $(grep -m 1 '^renderer:' "$work/out"); $(grep -m 1 '^first frame:' "$work/out")"
[ -f "$appdata/coupon-studio/sandbox-state.json" ] \
  || fail "no sandbox-state.json in %APPDATA%\\coupon-studio ($appdata/coupon-studio)"
echo "ok: the data folder is %APPDATA%\\coupon-studio: $(ls "$appdata/coupon-studio" | tr '\n' ' ')"

step "the Windows tests, cross-compiled and run by Wine"
start=$SECONDS
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
cargo test --locked --target x86_64-pc-windows-gnu --lib --test cli --test windows -- \
  --test-threads 2
echo "Windows tests: $((SECONDS - start)) s"
unset CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER

step "the installer: silent install, the installed program, uninstall"
export COUPON_STUDIO_INSTALLED_CHECK='wine "$INSTALLED_EXE" doctor && timeout 110 wine "$INSTALLED_EXE" --first-frame | grep "^first frame:"'
bash packaging/windows/test-installer.sh "$setup"

step "the portable .zip"
# The listing goes to a file first: `unzip -l | grep -q` under pipefail fails at random when grep
# exits on its match while unzip is still writing (SIGPIPE, exit 141); it failed CI once so.
unzip -l "$zip" >"$work/zip-listing" || fail "unzip could not read $zip"
cat "$work/zip-listing"
for want in coupon-studio.exe coupon-studio.com OFL-NotoSansCJK.txt README.md coupon-studio.ico; do
  grep -q "  $want\$" "$work/zip-listing" || fail "the .zip has no $want"
done
echo "Windows check passed"
