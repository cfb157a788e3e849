# Sourced by the build and CI scripts: `apt_ensure pkg...` installs, with apt, those of the
# given Debian packages that are not installed yet, and does nothing when all are, so a
# developer's machine is not touched twice. It runs apt as root or through sudo, never asks a
# question, and refreshes the package lists only when it has something to install. What it
# prints goes to standard error: the scripts that source it print their results on stdout.
apt_ensure() {
  local missing=() p
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "== installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >&2
}
