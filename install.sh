#!/usr/bin/env bash
# Seuil installer.
#
#   ./install.sh --dev      set up a development checkout: system packages (when root or
#                           sudo is available), a venv in ./.venv, Seuil and its test tools
#   ./install.sh --test     the same, then run the whole test suite (extra args go to pytest)
#
# Safe to run again: it only installs what is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${SEUIL_VENV:-$here/.venv}"
python="${PYTHON:-python3}"

# Debian packages the tests need: the broker, and the libraries Qt loads offscreen.
dev_packages=(
  mosquitto python3-venv
  libglib2.0-0 libgl1 libxkbcommon0 libegl1 libfreetype6 libfontconfig1 libdbus-1-3 libpulse0
)

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
}

say() { printf '==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo "$@"
  else
    return 1
  fi
}

install_system_packages() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    say "not a Debian system: install these yourself: ${missing[*]}"
    return 0
  fi
  say "installing ${missing[*]}"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
     || ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    say "could not install ${missing[*]} (need root or sudo): install them, then run again"
    return 1
  fi
}

setup_venv() {
  if [ ! -x "$venv/bin/python" ]; then
    say "creating $venv"
    "$python" -m venv "$venv"
  fi
  local stamp="$venv/.seuil-installed" wanted
  # mfrc522 is pure Python but depends on RPi.GPIO and spidev, which only build on a Pi:
  # off a Pi it is installed alone, so the tests run the real driver code on fake modules.
  local rc522="mfrc522==0.0.7"
  wanted="$( (cat "$here/pyproject.toml"; echo "$rc522") | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return 0
  fi
  say "installing Seuil and its test tools into $venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -e "${here}[dev,kiosk,postgres]"
  "$venv/bin/python" -m pip install --quiet --no-deps "$rc522"
  echo "$wanted" > "$stamp"
}

mode="${1:-}"
case "$mode" in
  --dev)
    install_system_packages "${dev_packages[@]}"
    setup_venv
    say "ready: . $venv/bin/activate, then seuil --help"
    ;;
  --test)
    shift
    install_system_packages "${dev_packages[@]}"
    setup_venv
    say "running the tests"
    cd "$here"
    export PATH="$PATH:/usr/sbin:/sbin"  # mosquitto lives in /usr/sbin on Debian
    exec "$venv/bin/python" -m pytest "$@"
    ;;
  -h|--help)
    usage
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac
