#!/usr/bin/env bash
# Two real third-party WeChat SDKs, unmodified, against the simulator (tests/third_party/).
#
#   bash scripts/third-party.sh [SIMULATOR_BINARY]     (default target/debug/coupon-studio)
#
# Installs the pinned wechatpy (PyPI, in a venv) and wechat-api (npm) into a cache folder
# (THIRD_PARTY_CACHE, default ${XDG_CACHE_HOME:-~/.cache}/coupon-studio-third-party), starts
# `BINARY sandbox` on a free loopback port with a temporary --state file, runs
# tests/third_party/wechatpy_card.py and wechat_api_card.js against it, stops it, and exits
# non-zero if any check failed. tests/third_party/wechatpy_push.py starts a second simulator of
# its own (`--demo` with `--push-url` to a receiver that reads the pushes with wechatpy), and
# wechatpy_component.py a third (`--component-*`, wechatpy's WeChatComponent as the platform's
# server). Needs python3 (with venv) and node + npm; network only to
# PyPI and the npm registry, and only the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
started=$(date +%s)

WECHATPY_VERSION=1.8.18
WECHAT_API_VERSION=1.35.1

bin=${1:-target/debug/coupon-studio}
[[ -x $bin ]] || { echo "simulator binary not found or not executable: $bin" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

cache=${THIRD_PARTY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/coupon-studio-third-party}
venv=$cache/venv-wechatpy-$WECHATPY_VERSION
npmdir=$cache/npm-wechat-api-$WECHAT_API_VERSION
mkdir -p "$cache"

# --- the SDKs, pinned (reused when already installed) ---------------------------------------
if ! "$venv/bin/python" -c "import wechatpy, sys; sys.exit(wechatpy.__version__ != '$WECHATPY_VERSION')" 2>/dev/null; then
  echo "# installing wechatpy $WECHATPY_VERSION into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  # wechatpy imports its crypto module at import time: it needs cryptography (or pycryptodome).
  "$venv/bin/pip" install --quiet --disable-pip-version-check "wechatpy[cryptography]==$WECHATPY_VERSION"
fi
if [[ $(node -p "try{require('$npmdir/node_modules/wechat-api/package.json').version}catch(e){''}" 2>/dev/null) != "$WECHAT_API_VERSION" ]]; then
  echo "# installing wechat-api $WECHAT_API_VERSION into $npmdir"
  rm -rf "$npmdir"
  mkdir -p "$npmdir"
  (cd "$npmdir" && echo '{"name":"tp","version":"0.0.0","private":true}' >package.json &&
    npm install --silent --no-audit --no-fund "wechat-api@$WECHAT_API_VERSION" >/dev/null)
fi
echo "# wechatpy $("$venv/bin/python" -c 'import wechatpy; print(wechatpy.__version__)'), wechat-api $(node -p "require('$npmdir/node_modules/wechat-api/package.json').version"), $("$venv/bin/python" --version), node $(node --version)"

# --- the simulator on a free port, with a temporary state file --------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/third-party.XXXXXX")
sim_pid=
cleanup() {
  if [[ -n $sim_pid ]] && kill -0 "$sim_pid" 2>/dev/null; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# With credentials, as a real account: both programs use them, and check a wrong secret is refused.
export SIM_APPID=wx_tp_third_party SIM_SECRET=tp-secret-$RANDOM SIM_CREDENTIALS_REQUIRED=1
"$bin" sandbox --addr 127.0.0.1:0 --state "$work/state.json" --appid "$SIM_APPID" --secret "$SIM_SECRET" \
  >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
url=
for _ in $(seq 1 100); do
  line=$(head -n 1 "$work/sim.out" 2>/dev/null || true)
  if [[ $line == "listening on http://"* ]]; then url=${line#listening on }; break; fi
  kill -0 "$sim_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z $url ]]; then
  echo "FAIL simulator did not start: $(cat "$work/sim.err" "$work/sim.out" 2>/dev/null | head -c 2000)"
  exit 1
fi
echo "# simulator $bin at $url (state $work/state.json)"

status=0
echo "## wechatpy $WECHATPY_VERSION"
"$venv/bin/python" "$root/tests/third_party/wechatpy_card.py" "$url" || status=1
echo "## wechatpy $WECHATPY_VERSION as the receiver of the simulator's pushes"
"$venv/bin/python" "$root/tests/third_party/wechatpy_push.py" "$bin" || status=1
echo "## wechatpy $WECHATPY_VERSION as an open platform's server (WeChatComponent)"
"$venv/bin/python" "$root/tests/third_party/wechatpy_component.py" "$bin" || status=1
echo "## wechat-api $WECHAT_API_VERSION"
NODE_PATH="$npmdir/node_modules" node "$root/tests/third_party/wechat_api_card.js" "$url" || status=1

# The --state file was written after the state-changing calls, and is JSON.
if python3 -c "import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if s else 1)" "$work/state.json" 2>/dev/null; then
  echo "PASS simulator --state file written and valid JSON"
else
  echo "FAIL simulator --state file: $(head -c 300 "$work/state.json" 2>/dev/null || echo missing)"
  status=1
fi
if ! kill -0 "$sim_pid" 2>/dev/null; then
  echo "FAIL simulator exited during the run: $(head -c 2000 "$work/sim.err")"
  status=1
fi

echo "# third-party: $([[ $status == 0 ]] && echo ok || echo FAILED) in $(($(date +%s) - started)) s"
exit $status
