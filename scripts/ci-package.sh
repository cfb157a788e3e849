#!/usr/bin/env bash
# CI's package check (run by .ci/run after scripts/check.sh): builds the .deb from the debug
# binary that `cargo test --all-targets` built, installs it with apt, checks the installed
# files, and starts the installed /usr/bin/coupon-studio in sandbox mode under Xvfb, where it
# must open a window, render a frame and exit 0 (`--first-frame`).
#
# Idempotent: tools are installed only when missing, and the package is reinstalled over an
# earlier one. It leaves coupon-studio installed; `apt-get remove coupon-studio` removes it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
step() { echo "== $*"; }

# Validators and the headless X server.
. scripts/lib/apt.sh
apt_ensure desktop-file-utils appstream xvfb xauth

step "building the .deb from the debug binary"
start=$SECONDS
deb=$(bash packaging/build-deb.sh --ci)
echo "$deb: $(du -h "$deb" | cut -f1) ($((SECONDS - start)) s)"
dpkg-deb --field "$deb" Package Version Installed-Size Depends

step "installing it with apt"
start=$SECONDS
if ! compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null; then
  "${SUDO[@]}" apt-get update -q
fi
# --reinstall: a package of the same version from an earlier run is replaced, not kept.
"${SUDO[@]}" apt-get install -y -q --no-install-recommends --reinstall "./$deb"
echo "installed in $((SECONDS - start)) s: coupon-studio $(dpkg-query -W -f '${Version}' coupon-studio)"

step "checking the installed files"
id=com.couponstudio.CouponStudio
expected=(
  /usr/bin/coupon-studio
  /usr/share/applications/coupon-studio.desktop
  "/usr/share/metainfo/$id.metainfo.xml"
  /usr/share/icons/hicolor/scalable/apps/coupon-studio.svg
  /usr/share/doc/coupon-studio/OFL-NotoSansCJK.txt
  /usr/share/doc/coupon-studio/README.md
  /usr/share/doc/coupon-studio/copyright
  /usr/lib/systemd/system/coupon-studio-server.service
  /usr/share/doc/coupon-studio/server.toml.example
)
for n in 48 64 128 256 512; do
  expected+=("/usr/share/icons/hicolor/${n}x${n}/apps/coupon-studio.png")
done
listed=$(dpkg -L coupon-studio)
for f in "${expected[@]}"; do
  if ! grep -qxF "$f" <<<"$listed" || [ ! -s "$f" ]; then
    echo "missing from the installed package: $f" >&2
    exit 1
  fi
done
[ -x /usr/bin/coupon-studio ] || { echo "/usr/bin/coupon-studio is not executable" >&2; exit 1; }
grep -v '/$' <<<"$listed" | while read -r f; do
  [ -d "$f" ] || printf '  %8s  %s\n' "$(du -h "$f" | cut -f1)" "$f"
done
desktop-file-validate /usr/share/applications/coupon-studio.desktop
appstreamcli validate --no-net "/usr/share/metainfo/$id.metainfo.xml"
/usr/bin/coupon-studio --version

step "checking the company server's systemd unit: installed, not enabled"
unit=coupon-studio-server.service
if compgen -G "/etc/systemd/system/*.wants/$unit" >/dev/null; then
  echo "the package enabled $unit: it must be installed disabled" >&2
  exit 1
fi
if command -v systemctl >/dev/null; then
  state=$(systemctl is-enabled "$unit" 2>/dev/null || true)
  case "$state" in
    enabled*) echo "$unit is $state: it must be installed disabled" >&2; exit 1 ;;
  esac
  echo "$unit: ${state:-not enabled (systemctl has no answer here)}"
fi
grep -qx 'ExecStart=/usr/bin/coupon-studio server --config %d/server.toml' "/usr/lib/systemd/system/$unit"
# The unit's syntax and options (no running systemd needed).
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "/usr/lib/systemd/system/$unit"
fi
/usr/bin/coupon-studio server --help | grep -q -- '--encoding-aes-key'
echo "$unit installed, not enabled"

step "starting the installed app in sandbox mode under Xvfb"
data_dir=$(mktemp -d)
out=$(mktemp)
trap 'rm -rf "$data_dir" "$out"' EXIT
set +e
COUPON_STUDIO_DATA_DIR="$data_dir" timeout 180 \
  xvfb-run -a -s "-screen 0 1600x1000x24" /usr/bin/coupon-studio --first-frame >"$out" 2>&1
rc=$?
set -e
line=$(grep -m 1 '^first frame:' "$out" || true)
if [ "$rc" -ne 0 ] || [ -z "$line" ]; then
  echo "the installed app did not render a frame (exit status $rc); its output:" >&2
  cat "$out" >&2
  exit 1
fi
# A fresh data folder has no accounts, so the app runs on its simulator (sandbox mode).
if [ -e "$data_dir/accounts.json" ]; then
  echo "unexpected: the fresh data folder has accounts.json" >&2
  exit 1
fi
[ -e "$data_dir/sandbox-state.json" ] && echo "sandbox mode: the simulator saved its state"
echo "$line"
echo "package check passed"
