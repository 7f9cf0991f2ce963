#!/usr/bin/env bash
# Seuil installer.
#
# On a laptop or a development checkout (Debian, Ubuntu, Raspberry Pi OS):
#   ./install.sh --demo       set up (as --dev), then start `seuil demo`: the whole stack
#                             with simulated hardware and a sample association; --dir DIR,
#                             --broker B and --check go to `seuil demo`
#   ./install.sh --dev        system packages (when root or sudo is available), a venv in
#                             ./.venv with Seuil and its test tools
#   ./install.sh --test       the same, then the whole test suite (extra args go to pytest)
#
# On a Raspberry Pi (Raspberry Pi OS Lite 64-bit, Bookworm or Trixie), as root:
#   sudo ./install.sh --role hub,node,kiosk --node entrance --node printer
#                             set up this Pi: packages, the seuil user, /opt/seuil/venv,
#                             /etc/seuil (seuil init, once), /var/lib/seuil, mosquitto with
#                             passwords and an ACL (hub), SPI (node), systemd units. A small
#                             space runs all three roles on one Pi.
#        --site-name NAME     the site's name for a first install (default "Seuil")
#        --reader rc522|usb   the badge readers of a first install: an RC522 on SPI (default)
#                             or a USB reader that types the UID; the pins of docs/wiring.md
#        --wheelhouse DIR     install the Python packages from the wheels in DIR, offline
#                             (python3 -m tests.system.wheelhouse DIR --arch aarch64 fills it)
#        --tls                the hub's broker also listens with TLS on 8883, with a certificate
#                             signed by the site's own CA (kept in /etc/seuil/tls): for other Pis
#        --tls-host NAME      a name the other Pis reach the hub by (repeat; default: its host
#                             name and NAME.local); a later run keeps the names it had
#        --tls-cert F --tls-key F   TLS with your own certificate instead
#        --join FILE          a Pi without the hub: take its seuil.toml, the site secret, the site
#                             CA and its nodes' broker passwords from FILE, which
#                             `sudo seuil mqtt join NODE` wrote on the hub (docs/install-pi.md)
#        --force              restart a node even while its machine runs a session (else it
#                             says so and waits for the session to end)
#        --restore-from TARGET   a new SD card for a site that died: after the install, bring
#                             back its database, config, rules and secrets from the off-site copy
#                             ([backup] target: /media/usb/seuil, sftp://user@host/path,
#                             s3://bucket/path) with `seuil restore --from` (docs/operations.md)
#        --recovery-key-file F   the recovery key written down when the copy was set up
#        --ssh-key F          SFTP target: the private key that signs in to it
#        --ssh-host-key KEY   SFTP target: the server's host key line, or its .pub file (else
#                             root's ~/.ssh/known_hosts must know the server)
#        --dry-run            print every action, change nothing (no root needed)
#   sudo ./install.sh --uninstall [--dry-run]
#                             remove Seuil's programs, units, broker files and user; keep
#                             /etc/seuil (the config) and /var/lib/seuil (the data)
#
# Safe to run again: it only does what is missing, and upgrades Seuil in place.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${SEUIL_VENV:-$here/.venv}"
python="${PYTHON:-python3}"

# Debian packages the tests need: the broker, the Qt libraries Qt loads offscreen, the checkers,
# poppler (the tests render and read the monthly PDF) and its font.
dev_packages=(
  mosquitto python3-venv shellcheck poppler-utils fonts-dejavu-core
  libglib2.0-0 libgl1 libxkbcommon0 libegl1 libfreetype6 libfontconfig1 libdbus-1-3 libpulse0
)

# Only for the tests: sshd, which the SFTP target's test starts on a loopback port of its own.
test_packages=(openssh-server openssh-client)

# The demo's windows on a desktop (X11 or Wayland): what Qt's xcb plugin loads besides.
demo_packages=(
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-render-util0
  libxcb-image0 libxcb-randr0 libxcb-xfixes0 libwayland-client0 libwayland-cursor0 libwayland-egl1
)

# On a Pi. Qt itself comes from PySide6's wheels; these are the system libraries it loads.
pi_packages_common=(python3-venv python3-pip)
pi_packages_hub=(mosquitto fonts-dejavu-core)  # the font: the monthly report in PDF
pi_packages_node=(python3-spidev python3-evdev)
# From Raspberry Pi OS's own repository (plain Debian has neither): gpiozero's lgpio pin factory,
# and the RPi.GPIO shim on lgpio that the mfrc522 driver imports (it works on every Pi, the 5 too).
pi_os_packages_node=(python3-lgpio python3-rpi-lgpio)
# xwayland: cage 0.1.4 (Debian 12) exits without it. libpam-systemd: the kiosk's login session
# (logind gives cage its seat and XDG_RUNTIME_DIR).
# libwayland-*: what Qt's wayland plugin loads. Raspberry Pi OS has both; a plain Debian lacks them.
pi_packages_kiosk=(cage xwayland libpam-systemd libgl1 libegl1 libgles2 libxkbcommon0 libfontconfig1 libdbus-1-3
                   libpulse0 libwayland-client0 libwayland-cursor0 libwayland-egl1 fonts-dejavu-core)

pi_venv="${SEUIL_PI_VENV:-/opt/seuil/venv}"
etc_dir=/etc/seuil
data_dir=/var/lib/seuil
mosquitto_dir=/etc/mosquitto/seuil
units_dir=/etc/systemd/system
udev_rule=/etc/udev/rules.d/99-seuil-readers.rules
rc522="mfrc522==0.0.7"

dry_run=0
force=0
idle_poll_s="${SEUIL_IDLE_POLL_S:-30}"

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
}

say() { printf '==> %s\n' "$*"; }

die() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 2
}

# Every change to the Pi goes through `act`: printed in a dry run, run otherwise.
act() {
  if [ "$dry_run" -eq 1 ]; then
    printf 'would run:'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

# A file written whole: printed in a dry run.
write_file() {
  local path="$1" mode="$2" content="$3"
  if [ "$dry_run" -eq 1 ]; then
    printf 'would write: %s (mode %s)\n' "$path" "$mode"
  else
    printf '%s' "$content" > "$path"
    chmod "$mode" "$path"
  fi
}

# What is already there. A dry run describes a fresh Pi, so it sees nothing.
exists() { [ "$dry_run" -eq 0 ] && [ -e "$1" ]; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo "$@"
  else
    return 1
  fi
}

missing_packages() {
  local package
  for package in "$@"; do
    if [ "$dry_run" -eq 1 ] \
       || ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      printf '%s\n' "$package"
    fi
  done
}

install_system_packages() {
  local missing=()
  mapfile -t missing < <(missing_packages "$@")
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$dry_run" -eq 0 ] && ! command -v apt-get >/dev/null 2>&1; then
    say "not a Debian system: install these yourself: ${missing[*]}"
    return 0
  fi
  say "installing ${missing[*]}"
  if [ "$dry_run" -eq 1 ]; then
    act apt-get install -y --no-install-recommends "${missing[@]}"
    return 0
  fi
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
     || ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    say "could not install ${missing[*]} (need root or sudo): install them, then run again"
    return 1
  fi
}

# --- a development checkout ----------------------------------------------------------------

setup_dev_venv() {
  if [ ! -x "$venv/bin/python" ]; then
    say "creating $venv"
    "$python" -m venv "$venv"
  fi
  local stamp="$venv/.seuil-installed" wanted
  # mfrc522 is pure Python but depends on RPi.GPIO and spidev, which only build on a Pi:
  # off a Pi it is installed alone, so the tests run the real driver code on fake modules.
  wanted="$( (cat "$here/pyproject.toml"; echo "$rc522") | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return 0
  fi
  say "installing Seuil and its test tools into $venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -e "${here}[dev,kiosk,postgres,demo]"
  "$venv/bin/python" -m pip install --quiet --no-deps "$rc522"
  echo "$wanted" > "$stamp"
}

# --- a Raspberry Pi --------------------------------------------------------------------------

has_role() { [[ ",$roles," == *",$1,"* ]]; }

pi_packages() {
  local packages=("${pi_packages_common[@]}")
  has_role hub && packages+=("${pi_packages_hub[@]}")
  has_role node && packages+=("${pi_packages_node[@]}")
  has_role kiosk && packages+=("${pi_packages_kiosk[@]}")
  install_system_packages "${packages[@]}"
  has_role node || return 0
  local package found=() absent=()
  for package in "${pi_os_packages_node[@]}"; do
    if [ "$dry_run" -eq 1 ] || apt-cache show "$package" >/dev/null 2>&1; then
      found+=("$package")
    else
      absent+=("$package")
    fi
  done
  [ "${#found[@]}" -eq 0 ] || install_system_packages "${found[@]}"
  if [ "${#absent[@]}" -gt 0 ]; then
    say "not Raspberry Pi OS: no ${absent[*]}; a node needs them for its GPIO pins and RC522"
  fi
}

pi_user() {
  if ! { [ "$dry_run" -eq 0 ] && id seuil >/dev/null 2>&1; }; then
    say "creating the seuil system user"
    act useradd --system --home-dir "$data_dir" --no-create-home --shell /usr/sbin/nologin seuil
  fi
  local group wanted=()
  has_role node && wanted+=(gpio spi input)
  has_role kiosk && wanted+=(video render input)
  [ "${#wanted[@]}" -eq 0 ] && return 0
  mapfile -t wanted < <(printf '%s\n' "${wanted[@]}" | sort -u)
  for group in "${wanted[@]}"; do
    if [ "$dry_run" -eq 1 ] || getent group "$group" >/dev/null; then
      act usermod -a -G "$group" seuil
    fi
  done
}

pi_venv() {
  local extras="" seuil_cmd="$pi_venv/bin/seuil"
  has_role kiosk && extras="[kiosk]"
  if ! exists "$pi_venv/bin/python"; then
    say "creating $pi_venv (with the system's lgpio, spidev and evdev)"
    act mkdir -p "$(dirname "$pi_venv")"
    act python3 -m venv --system-site-packages "$pi_venv"
  fi
  # One pinned list of versions (constraints.txt), online or from a wheelhouse: the same Pi either way.
  local pip=("$pi_venv/bin/python" -m pip install --quiet -c "$here/constraints.txt")
  if [ -n "$wheelhouse" ]; then
    say "installing Seuil into $pi_venv from the wheels in $wheelhouse (upgrades in place)"
    pip+=(--no-index --find-links "$wheelhouse")
  else
    say "installing Seuil into $pi_venv (upgrades in place)"
    act "$pi_venv/bin/python" -m pip install --quiet --upgrade pip
  fi
  act "${pip[@]}" --upgrade "${here}${extras}"
  # mfrc522 alone: its dependency RPi.GPIO would replace the Pi 5's rpi-lgpio shim (FACTS.md)
  has_role node && act "${pip[@]}" --no-deps mfrc522
  act ln -sf "$seuil_cmd" /usr/local/bin/seuil
}

as_seuil() { act runuser -u seuil -- env SEUIL_CONFIG="$etc_dir/seuil.toml" "$pi_venv/bin/seuil" "$@"; }

pi_config() {
  act install -d -m 0750 -o seuil -g seuil "$data_dir"
  if [ -n "$join" ]; then
    local join_nodes=() node
    for node in "${nodes[@]}"; do join_nodes+=(--node "$node"); done
    say "joining the site: seuil.toml, the site secret, the site CA and the broker password from $join"
    act "$pi_venv/bin/seuil" mqtt unpack "$join" "$etc_dir" "${join_nodes[@]}"
  elif exists "$etc_dir/seuil.toml"; then
    say "keeping $etc_dir; migrating the database if the new version needs it"
    has_role hub && as_seuil db upgrade
  elif ! has_role hub; then
    die "no $etc_dir/seuil.toml: on a Pi without the hub, run \"sudo seuil mqtt join ID\" on the hub, copy
the file it writes here and add --join FILE (docs/install-pi.md, \"More than one Pi\")"
  else
    say "first install: a sample site in $etc_dir, its data in $data_dir (edit seuil.toml, rules.toml)"
    local here_nodes=() node
    for node in "${nodes[@]}"; do here_nodes+=(--node "$node"); done
    act "$pi_venv/bin/seuil" init "$etc_dir" --data-dir "$data_dir" --mqtt-passwords \
      --site-name "$site_name" --pi "$reader" "${here_nodes[@]}"
    act chown -R seuil:seuil "$data_dir"
  fi
  if [ -n "$restore_from" ] && has_role hub; then
    pi_restore
  fi
  act chown -R root:seuil "$etc_dir"
  act chmod 0750 "$etc_dir"
  if has_role hub || exists "$etc_dir/rules.toml"; then
    act chmod 0640 "$etc_dir/seuil.toml" "$etc_dir/rules.toml"
  else  # a joined Pi has no rules.toml: its nodes decide from the hub's snapshot
    act chmod 0640 "$etc_dir/seuil.toml"
  fi
  act chown seuil:seuil "$etc_dir/secret.key"
  act chmod 0600 "$etc_dir/secret.key"
  if exists "$etc_dir/mqtt"; then  # copied from the hub onto a node's Pi: systemd hands each
    act chown -R root:root "$etc_dir/mqtt"  # program its own password (LoadCredential=)
    act chmod 0700 "$etc_dir/mqtt"
  fi
  if exists "$etc_dir/backup.key"; then  # the hub encrypts the off-site copy's secrets with it
    act chown seuil:seuil "$etc_dir/backup.key"
    act chmod 0600 "$etc_dir/backup.key"
  fi
}

# The site that died, back from its off-site copy; refuses a site that is not blank.
pi_restore() {
  local extra=()
  [ -n "$recovery_key_file" ] && extra+=(--recovery-key-file "$recovery_key_file")
  [ -n "$ssh_key" ] && extra+=(--ssh-key "$ssh_key")
  [ -n "$ssh_host_key" ] && extra+=(--ssh-host-key "$ssh_host_key")
  say "restoring the site from $restore_from"
  act env SEUIL_CONFIG="$etc_dir/seuil.toml" "$pi_venv/bin/seuil" restore --from "$restore_from" "${extra[@]}"
  act chown -R seuil:seuil "$data_dir"
}

# The off-site copy ([backup] target): Litestream's unit for SQLite, the recovery key.
pi_offsite() {
  local mode
  if [ "$dry_run" -eq 1 ]; then
    printf 'would check: [backup] target (seuil backup mode), then enable seuil-litestream.service if set\n'
    return 0
  else
    mode="$(env SEUIL_CONFIG="$etc_dir/seuil.toml" "$pi_venv/bin/seuil" backup mode)"
  fi
  if [ "$mode" = "off" ]; then
    say "no [backup] target in $etc_dir/seuil.toml: the data lives only on this SD card (docs/operations.md)"
    if exists "$units_dir/multi-user.target.wants/seuil-litestream.service"; then
      act systemctl disable --now seuil-litestream.service
    fi
    return 0
  fi
  if ! exists "$etc_dir/backup.key"; then
    say "the recovery key of the off-site copy: WRITE IT DOWN and keep it apart from this Pi"
    act env SEUIL_CONFIG="$etc_dir/seuil.toml" "$pi_venv/bin/seuil" backup recovery-key
    act chown seuil:seuil "$etc_dir/backup.key"
    act chmod 0600 "$etc_dir/backup.key"
  fi
  # The site's files for the copy, as root: the broker passwords are root's (each service gets
  # its own from systemd), so the hub's and Litestream's refreshes keep what this one stores.
  act env SEUIL_CONFIG="$etc_dir/seuil.toml" "$pi_venv/bin/seuil" backup files
  if [ "$dry_run" -eq 1 ] || compgen -G "$data_dir/site-files.db*" >/dev/null; then
    act chown seuil:seuil "$data_dir"/site-files.db*
  fi
  if [ "$mode" = "litestream" ]; then
    act systemctl enable seuil-litestream.service
    act systemctl restart seuil-litestream.service
  elif [ "$mode" = "dump" ]; then  # the hub writes its dumps there: open it in the hub's sandbox
    local folder dropin="$units_dir/seuil-hub.service.d"
    folder="$(env SEUIL_CONFIG="$etc_dir/seuil.toml" "$pi_venv/bin/seuil" backup folder)"
    act mkdir -p "$dropin"
    write_file "$dropin/offsite.conf" 0644 "[Service]
ReadWritePaths=-$folder
"
    act systemctl daemon-reload
    act systemctl restart seuil-hub.service
  fi
}

pi_mosquitto() {
  local tls=() host
  if [ -n "$tls_cert" ]; then
    tls=(--tls-cert "$tls_cert" --tls-key "$tls_key")
  elif [ "$want_tls" -eq 1 ] || exists "$mosquitto_dir/broker.pem"; then  # an upgrade keeps TLS on
    tls=(--tls)
    for host in "${tls_hosts[@]}"; do tls+=(--tls-host "$host"); done
  fi
  say "mosquitto: a password per program, an ACL, no anonymous clients"
  act env SEUIL_CONFIG="$etc_dir/seuil.toml" "$pi_venv/bin/seuil" mqtt setup "$mosquitto_dir" "${tls[@]}"
  # The passwords stay root's: systemd gives each program its own (LoadCredential=), so the
  # hub cannot read the kiosk's nor a node's. mqtt setup gave mosquitto's files to its group.
  act chown -R root:root "$etc_dir/mqtt"
  act chmod 0700 "$etc_dir/mqtt"
  act ln -sf "$mosquitto_dir/seuil.conf" /etc/mosquitto/conf.d/seuil.conf
  act systemctl enable mosquitto
  act systemctl restart mosquitto
}

boot_config() {
  local candidate
  for candidate in /boot/firmware/config.txt /boot/config.txt; do
    if [ "$dry_run" -eq 1 ] || [ -f "$candidate" ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

pi_spi() {
  local config
  if ! config="$(boot_config)"; then
    say "no config.txt found: enable SPI yourself (dtparam=spi=on) if a node uses an RC522"
    return 0
  fi
  if exists "$config" && grep -q '^# seuil: begin' "$config"; then
    return 0
  fi
  say "enabling SPI in $config (takes effect at the next reboot)"
  if [ "$dry_run" -eq 1 ]; then
    printf 'would append: %s to %s\n' "$here/firmware_config/config.txt" "$config"
  else
    cat "$here/firmware_config/config.txt" >> "$config"
  fi
}

pi_udev() {
  act install -D -m 0644 "$here/firmware_config/99-seuil-readers.rules" "$udev_rule"
  if [ "$dry_run" -eq 1 ] || command -v udevadm >/dev/null 2>&1; then  # none in a container
    act udevadm control --reload-rules
  fi
}

# The session running on a node's machine, said by the node's own files (read-only), or nothing.
running_session() {
  [ -x "$pi_venv/bin/seuil" ] || return 1
  env SEUIL_CONFIG="$etc_dir/seuil.toml" "$pi_venv/bin/seuil" node --node "$1" --session 2>/dev/null
}

# A restart of a node cuts a machine its relay keeper does not hold, and a restart of the keeper
# cuts it anyway: never while a session runs, unless --force. Say so, then wait for its end.
wait_until_idle() {
  local node="$1" session
  [ "$force" -eq 1 ] && return 0
  session="$(running_session "$node")" || return 0
  if [ "$dry_run" -eq 1 ]; then
    printf 'would wait: %s; seuil-node@%s restarts when it ends (--force: now)\n' "$session" "$node"
    return 0
  fi
  say "$session"
  say "waiting for it to end before restarting seuil-node@$node (Ctrl-C to stop; --force restarts now)"
  while running_session "$node" >/dev/null; do
    sleep "$idle_poll_s"
  done
}

pi_units() {
  local unit node
  for unit in seuil-hub.service seuil-litestream.service seuil-node@.service seuil-keeper@.service \
              seuil-kiosk.service; do
    act install -m 0644 "$here/systemd/$unit" "$units_dir/$unit"
  done
  act systemctl daemon-reload
  # The hub first: its persistent session must exist before the nodes publish.
  if has_role hub; then
    act systemctl enable seuil-hub.service
    act systemctl restart seuil-hub.service
    pi_offsite
  fi
  if has_role node; then
    for node in "${nodes[@]}"; do
      wait_until_idle "$node"
      act systemctl enable "seuil-keeper@$node.service" "seuil-node@$node.service"
      act systemctl restart "seuil-keeper@$node.service"
      act systemctl restart "seuil-node@$node.service"
    done
  fi
  if has_role kiosk; then
    act systemctl enable seuil-kiosk.service
    act systemctl restart seuil-kiosk.service
  fi
}

install_pi() {
  local role
  for role in ${roles//,/ }; do
    case "$role" in hub|node|kiosk) ;; *) die "unknown role \"$role\" (hub, node, kiosk)";; esac
  done
  if has_role node && [ "${#nodes[@]}" -eq 0 ]; then
    die "--role node needs --node ID (a [nodes.ID] of seuil.toml), once per reader on this Pi"
  fi
  if [ -n "$tls_cert" ] && [ -z "$tls_key" ]; then die "--tls-cert needs --tls-key"; fi
  if [ -n "$tls_cert" ] && [ "$want_tls" -eq 1 ]; then die "--tls makes the certificate: give it or --tls-cert, not both"; fi
  if [ "$want_tls" -eq 1 ] && ! has_role hub; then die "--tls is for the hub's broker: add --role hub"; fi
  if [ -n "$join" ] && has_role hub; then die "--join is for a Pi without the hub: --role node or kiosk"; fi
  if [ -n "$restore_from" ] && ! has_role hub; then die "--restore-from restores a hub: add --role hub"; fi
  if [ "$dry_run" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
    die "run it as root: sudo ./install.sh --role $roles ... (or --dry-run to see what it would do)"
  fi
  say "setting up this Pi as: $roles"
  pi_packages
  pi_user
  pi_venv
  pi_config
  has_role hub && pi_mosquitto
  if has_role node; then
    pi_spi
    pi_udev
  fi
  pi_units
  say "done. Logs: journalctl -u 'seuil-*' -f. Next: docs/first-day.md"
}

uninstall_pi() {
  if [ "$dry_run" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
    die "run it as root: sudo ./install.sh --uninstall (or add --dry-run)"
  fi
  local unit units=(seuil-kiosk.service seuil-litestream.service)
  say "removing Seuil; keeping $etc_dir and $data_dir"
  if [ "$dry_run" -eq 1 ]; then
    units+=("seuil-node@ID.service" "seuil-keeper@ID.service")
  else
    for unit in "$units_dir"/*.wants/seuil-node@?*.service "$units_dir"/*.wants/seuil-keeper@?*.service; do
      [ -e "$unit" ] && units+=("$(basename "$unit")")
    done
  fi
  units+=(seuil-hub.service)
  for unit in "${units[@]}"; do
    act systemctl disable --now "$unit" || true
  done
  act rm -rf "$units_dir/seuil-hub.service.d"
  act rm -f "$units_dir/seuil-hub.service" "$units_dir/seuil-litestream.service" "$units_dir/seuil-node@.service" \
    "$units_dir/seuil-keeper@.service" "$units_dir/seuil-kiosk.service"
  act systemctl daemon-reload
  act rm -f /etc/mosquitto/conf.d/seuil.conf
  act rm -rf "$mosquitto_dir"
  act systemctl try-restart mosquitto
  act rm -f "$udev_rule" /usr/local/bin/seuil
  act rm -rf /opt/seuil /var/cache/seuil  # the program and the kiosk's compiled QML
  # The kiosk's login session started a systemd --user manager for seuil, which outlives the kiosk
  # ("userdel: user seuil is currently used by process ..."): stop it first.
  local uid
  uid="$( { [ "$dry_run" -eq 0 ] && id -u seuil 2>/dev/null; } || echo UID)"
  act systemctl stop "user@$uid.service" || true
  act userdel seuil
  say "removed. Your config ($etc_dir) and data ($data_dir) are still there."
}

# --- command line ------------------------------------------------------------------------------

mode=""
roles=""
nodes=()
site_name="Seuil"
reader="mfrc522"
wheelhouse=""
tls_cert=""
tls_key=""
want_tls=0
tls_hosts=()
join=""
restore_from=""
recovery_key_file=""
ssh_key=""
ssh_host_key=""
pytest_args=()
demo_args=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --dev|--test|--demo|--uninstall) mode="$1" ;;
    --role) [ "$#" -ge 2 ] || die "--role needs hub, node or kiosk (comma-separated)"
            mode="--role"; roles="$2"; shift ;;
    --node) [ "$#" -ge 2 ] || die "--node needs an id"; nodes+=("$2"); shift ;;
    --site-name) [ "$#" -ge 2 ] || die "--site-name needs a name"; site_name="$2"; shift ;;
    --reader) case "${2:-}" in
                rc522) reader=mfrc522 ;;
                usb) reader=hid ;;
                *) die "--reader needs rc522 or usb" ;;
              esac
              shift ;;
    --wheelhouse) [ "$#" -ge 2 ] || die "--wheelhouse needs a folder of wheels"
                  wheelhouse="$(cd "$2" 2>/dev/null && pwd)" || die "--wheelhouse $2: no such folder"
                  shift ;;
    --tls) want_tls=1 ;;
    --tls-host) [ "$#" -ge 2 ] || die "--tls-host needs a name"; want_tls=1; tls_hosts+=("$2"); shift ;;
    --join) [ "$#" -ge 2 ] || die "--join needs the file from seuil mqtt join"
            join="$(realpath -e "$2" 2>/dev/null)" || die "--join $2: no such file"; shift ;;
    --tls-cert) [ "$#" -ge 2 ] || die "--tls-cert needs a file"; tls_cert="$2"; shift ;;
    --tls-key) [ "$#" -ge 2 ] || die "--tls-key needs a file"; tls_key="$2"; shift ;;
    --restore-from) [ "$#" -ge 2 ] || die "--restore-from needs a target"; restore_from="$2"; shift ;;
    --recovery-key-file) [ "$#" -ge 2 ] || die "--recovery-key-file needs a file"; recovery_key_file="$2"; shift ;;
    --ssh-key) [ "$#" -ge 2 ] || die "--ssh-key needs a file"; ssh_key="$2"; shift ;;
    --ssh-host-key) [ "$#" -ge 2 ] || die "--ssh-host-key needs a key or a file"; ssh_host_key="$2"; shift ;;
    --dry-run) dry_run=1 ;;
    --force) force=1 ;;
    -h|--help) usage; exit 0 ;;
    --dir|--broker)
      [ "$mode" = "--demo" ] || die "$1 is for --demo (./install.sh --demo $1 ...)"
      if [ "$#" -lt 2 ] || [[ "$2" == --* ]]; then die "$1 needs a value"; fi
      demo_args+=("$1" "$2"); shift ;;
    --check)
      [ "$mode" = "--demo" ] || die "--check is for --demo (./install.sh --demo --check)"
      demo_args+=("$1") ;;
    *)
      if [ "$mode" = "--test" ]; then
        pytest_args+=("$1")
      else
        die "unknown argument \"$1\" (see ./install.sh --help)"
      fi
      ;;
  esac
  shift
done

case "$mode" in
  --dev)
    install_system_packages "${dev_packages[@]}"
    setup_dev_venv
    say "ready: . $venv/bin/activate, then seuil --help"
    ;;
  --demo)
    install_system_packages "${dev_packages[@]}" "${demo_packages[@]}"
    setup_dev_venv
    say "starting the demo (close its windows or press Ctrl-C to stop)"
    export PATH="$PATH:/usr/sbin:/sbin"
    exec "$venv/bin/seuil" demo "${demo_args[@]}"
    ;;
  --test)
    install_system_packages "${dev_packages[@]}" "${test_packages[@]}"
    setup_dev_venv
    say "running the tests"
    cd "$here"
    export PATH="$PATH:/usr/sbin:/sbin"  # mosquitto lives in /usr/sbin on Debian
    exec "$venv/bin/python" -m pytest "${pytest_args[@]}"
    ;;
  --role) install_pi ;;
  --uninstall) uninstall_pi ;;
  *)
    usage >&2
    exit 2
    ;;
esac
