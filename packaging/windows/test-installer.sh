#!/usr/bin/env bash
# Tests a built Windows installer under Wine, in a fresh throw-away prefix:
#
#   bash packaging/windows/test-installer.sh path/to/coupon-studio-X-x86_64-setup.exe
#
# silent install -> checks files, shortcuts, Apps & features key -> optional caller check ->
# silent uninstall (data kept) -> reinstall -> silent uninstall /PURGE (data deleted).
#
# Environment:
#   COUPON_STUDIO_WINE_SHIM        a bcryptprimitives.dll to put into system32 first (Debian's
#                                  Wine 8 lacks it and Rust programs need it)
#   COUPON_STUDIO_INSTALLED_CHECK  shell command eval'ed after the install, with INSTALLED_EXE
#                                  (Windows path of the installed exe), INSTALLED_EXE_UNIX and
#                                  WINEPREFIX exported; the test fails if it fails. Whatever it
#                                  starts must have exited within 120 s.
#
# Needs wine (64-bit is enough: the installer is amd64) and, without a $DISPLAY, xvfb-run.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 path/to/coupon-studio-X-x86_64-setup.exe" >&2
  exit 2
fi
setup=$(realpath "$1")

# Wine wants an X display for wineboot and the installer's (hidden) windows.
if [ -z "${DISPLAY:-}" ]; then
  if [ -n "${COUPON_STUDIO_IN_XVFB:-}" ]; then
    echo "FAIL: still no DISPLAY under xvfb-run" >&2
    exit 1
  fi
  export COUPON_STUDIO_IN_XVFB=1
  exec xvfb-run -a -s "-screen 0 1400x900x24" bash "$0" "$setup"
fi

# realpath: the desktop check below compares resolved paths with it.
tmp=$(realpath "$(mktemp -d "${TMPDIR:-/tmp}/coupon-studio-wine.XXXXXX")")
export WINEPREFIX="$tmp/prefix"
cleanup() {
  wineserver -k >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Wine links the prefix's Desktop, Documents… to the XDG folders of $HOME: a temporary HOME
# keeps the shortcuts (and anything else) off the real user's desktop.
export HOME="$tmp/home"
mkdir -p "$HOME"
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_DESKTOP_DIR
export WINEDEBUG=-all
# No Mono/Gecko install prompts; no winemenubuilder turning the .lnk files into .desktop files.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
# Wine converts file names and console output with the locale's charset: 卡券工作室 needs UTF-8.
export LC_ALL=C.UTF-8

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
# Windows path -> Unix path in the prefix.
unixpath() { winepath -u "$1" 2>/dev/null | tr -d '\r'; }
winenv() { wine cmd /c echo "%$1%" 2>/dev/null | tr -d '\r'; }
# A hung wine (a dialog in silent mode) must fail CI, not block it.
run() { local t=$1; shift; timeout "$t" "$@"; }
# A string value from a .reg export on stdin, unescaped (\\ and \").
regval() { sed -n "s/^\"$1\"=\"\(.*\)\"\$/\1/p" | sed 's/\\\(.\)/\1/g'; }

start=$SECONDS
run 300 wineboot -i >/dev/null 2>&1 || fail "wineboot -i"
run 120 wineserver -w
ok "wineboot -i ($((SECONDS - start)) s)"

if [ -n "${COUPON_STUDIO_WINE_SHIM:-}" ]; then
  [ -f "$COUPON_STUDIO_WINE_SHIM" ] || fail "COUPON_STUDIO_WINE_SHIM=$COUPON_STUDIO_WINE_SHIM is not a file"
  cp "$COUPON_STUDIO_WINE_SHIM" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
  ok "shim installed as system32/bcryptprimitives.dll"
fi

# Ask Wine where its shell folders are rather than guessing the user name and layout.
localappdata_win=$(winenv LOCALAPPDATA)
appdata_win=$(winenv APPDATA)
userprofile_win=$(winenv USERPROFILE)
localappdata=$(unixpath "$localappdata_win")
appdata=$(unixpath "$appdata_win")
userprofile=$(unixpath "$userprofile_win")
[ -d "$localappdata" ] && [ -d "$appdata" ] && [ -d "$userprofile" ] ||
  fail "shell folders not found: LOCALAPPDATA=$localappdata_win APPDATA=$appdata_win"
instdir_win="$localappdata_win\\Programs\\Coupon Studio"
instdir="$localappdata/Programs/Coupon Studio"
startmenu="$appdata/Microsoft/Windows/Start Menu/Programs"
desktop="$userprofile/Desktop"
datadir="$appdata/coupon-studio"
regkey='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\coupon-studio'
echo "LOCALAPPDATA=$localappdata_win -> $localappdata"
echo "APPDATA=$appdata_win -> $appdata"
echo "Desktop -> $desktop$([ -L "$desktop" ] && echo " -> $(readlink -f "$desktop")")"

run_setup() {
  local s=$SECONDS rc=0
  run 300 wine "$setup" /S || rc=$?
  run 120 wineserver -w
  [ "$rc" = 0 ] || fail "installer exited with $rc"
  ok "$1 ($((SECONDS - s)) s)"
}

check_installed() {
  local f v
  for f in coupon-studio.exe coupon-studio.com uninstall.exe OFL-NotoSansCJK.txt README.md coupon-studio.ico; do
    [ -f "$instdir/$f" ] || fail "not installed: $instdir/$f"
  done
  ok "program files in $instdir_win"
  [ -f "$startmenu/卡券工作室.lnk" ] || fail "no Start menu shortcut in $startmenu"
  ok "Start menu shortcut 卡券工作室.lnk"
  [ -f "$desktop/卡券工作室.lnk" ] || fail "no desktop shortcut in $desktop"
  case "$(readlink -f "$desktop/卡券工作室.lnk")" in
    "$tmp"/*) ;;
    *) fail "desktop shortcut outside the temporary HOME/prefix: $(readlink -f "$desktop/卡券工作室.lnk")" ;;
  esac
  ok "desktop shortcut 卡券工作室.lnk"
  wine reg query "$regkey" >/dev/null 2>&1 || fail "no registry key $regkey"
  # `reg query` prints through the console code page (卡券工作室 -> ?????); an export is UTF-16.
  wine reg export "$regkey" 'C:\key.reg' /y >/dev/null 2>&1 || fail "reg export $regkey"
  v=$(iconv -f UTF-16 -t UTF-8 "$WINEPREFIX/drive_c/key.reg" | tr -d '\r')
  [ "$(regval DisplayName <<<"$v")" = "卡券工作室 Coupon Studio" ] || fail "DisplayName missing or wrong: $v"
  [ "$(regval QuietUninstallString <<<"$v")" = "\"$instdir_win\\uninstall.exe\" /S" ] ||
    fail "QuietUninstallString missing or wrong: $v"
  grep -qE '^"EstimatedSize"=dword:0*[1-9a-f]' <<<"$v" || fail "EstimatedSize missing: $v"
  ok "uninstall key with DisplayName, QuietUninstallString, EstimatedSize"
  # What InstallDirRegKey reads back on an upgrade.
  wine reg query 'HKCU\Software\coupon-studio' /v InstallDir 2>/dev/null | tr -d '\r' |
    grep -qF "REG_SZ    $instdir_win" || fail 'HKCU\Software\coupon-studio InstallDir missing or wrong'
  ok 'HKCU\Software\coupon-studio InstallDir'
}

check_uninstalled() {
  local f
  for f in coupon-studio.exe coupon-studio.com OFL-NotoSansCJK.txt README.md coupon-studio.ico; do
    [ ! -e "$instdir/$f" ] || fail "left behind: $instdir/$f"
  done
  [ ! -e "$startmenu/卡券工作室.lnk" ] || fail "Start menu shortcut left behind"
  [ ! -e "$desktop/卡券工作室.lnk" ] || fail "desktop shortcut left behind"
  ok "program files and shortcuts removed"
  if wine reg query "$regkey" >/dev/null 2>&1; then fail "registry key left behind: $regkey"; fi
  if wine reg query 'HKCU\Software\coupon-studio' >/dev/null 2>&1; then
    fail 'registry key left behind: HKCU\Software\coupon-studio'
  fi
  ok "registry keys removed"
}

run_setup "silent install"
check_installed

if [ -n "${COUPON_STUDIO_INSTALLED_CHECK:-}" ]; then
  export INSTALLED_EXE="$instdir_win\\coupon-studio.exe" INSTALLED_EXE_UNIX="$instdir/coupon-studio.exe"
  (eval "$COUPON_STUDIO_INSTALLED_CHECK") || fail "COUPON_STUDIO_INSTALLED_CHECK failed"
  # The uninstaller refuses to remove a running program.
  run 120 wineserver -w || fail "programs still running 120 s after COUPON_STUDIO_INSTALLED_CHECK"
  ok "COUPON_STUDIO_INSTALLED_CHECK"
fi

mkdir -p "$datadir"
echo "the user's data" >"$datadir/keep-me.txt"

# 1. The way a script waits for the uninstaller: _?=<dir> makes it run in place instead of
#    copying itself to %TEMP% and exiting at once, so its exit code is the result. _?= must be
#    the last thing on the command line and unquoted even with spaces, which wine's own argument
#    quoting prevents, hence a batch file. In place it cannot delete itself (nor the folder).
printf '@"%s\\uninstall.exe" /S _?=%s\r\n@exit /b %%errorlevel%%\r\n' "$instdir_win" "$instdir_win" \
  >"$WINEPREFIX/drive_c/uninstall-in-place.bat"
s=$SECONDS rc=0
run 300 wine cmd /c 'C:\uninstall-in-place.bat' || rc=$?
run 120 wineserver -w
[ "$rc" = 0 ] || fail "uninstall.exe /S exited with $rc"
ok "silent uninstall ($((SECONDS - s)) s)"
check_uninstalled
rm "$instdir/uninstall.exe"
rmdir "$instdir" || fail "install dir not empty after uninstall: $(ls -A "$instdir")"
[ -f "$datadir/keep-me.txt" ] || fail "silent uninstall deleted $datadir"
ok "data folder kept by silent uninstall"

run_setup "reinstall"
check_installed
[ -f "$datadir/keep-me.txt" ] || fail "reinstall deleted $datadir"
ok "data folder untouched by reinstall"

# 2. The way Apps & features runs it: the copy in %TEMP% has to remove uninstall.exe and the
#    folder itself; wineserver -w waits for that copy.
s=$SECONDS
run 300 wine "$instdir/uninstall.exe" /S /PURGE || fail "uninstall.exe /S /PURGE failed to start"
run 120 wineserver -w
ok "silent uninstall /PURGE ($((SECONDS - s)) s)"
check_uninstalled
[ ! -e "$instdir" ] || fail "install dir left behind: $(ls -A "$instdir")"
ok "install dir removed, uninstall.exe included"
[ ! -e "$datadir" ] || fail "uninstall /PURGE kept $datadir"
ok "data folder deleted by /PURGE"

echo "all checks passed in $SECONDS s; installer: $(basename "$setup"), $(stat -c %s "$setup") bytes ($(du -h "$setup" | cut -f1))"
