"""install.sh: shellcheck-clean, and what its dry run says it would do to a fresh Pi."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import msgspec
import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "install.sh"


def dry_run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(INSTALL), *args, "--dry-run"], capture_output=True, text=True,
                          check=False, cwd=ROOT)


def actions(output: str) -> list[str]:
    return [line.split(": ", 1)[1] for line in output.splitlines() if line.startswith("would ")]


def index(steps: list[str], fragment: str) -> int:
    found = [i for i, step in enumerate(steps) if fragment in step]
    assert found, f"no step with {fragment!r} in:\n" + "\n".join(steps)
    return found[0]


def test_the_installer_and_the_ci_script_pass_shellcheck():
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (./install.sh --dev installs it)")
    result = subprocess.run([shellcheck, "--severity=style", str(INSTALL), str(ROOT / ".ci" / "run")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


def test_a_one_pi_site_gets_everything_in_order():
    result = dry_run("--role", "hub,node,kiosk", "--node", "entrance", "--node", "printer",
                     "--site-name", "La Ruche")
    assert result.returncode == 0, result.stderr
    steps = actions(result.stdout)
    apt = steps[index(steps, "apt-get install")]
    for package in ("mosquitto", "cage", "python3-venv", "python3-spidev", "python3-evdev", "libegl1"):
        assert f" {package}" in apt
    # Raspberry Pi OS's own: lgpio, and the RPi.GPIO shim the mfrc522 driver imports
    assert "python3-lgpio python3-rpi-lgpio" in steps[index(steps, "python3-rpi-lgpio")]
    assert "useradd --system" in steps[index(steps, "useradd")]
    for group in ("gpio", "spi", "input", "video", "render"):
        assert f"usermod -a -G {group} seuil" in steps
    assert "python3 -m venv --system-site-packages /opt/seuil/venv" in steps
    assert steps[index(steps, "--upgrade /")].endswith("\\[kiosk\\]")  # printed with %q
    init = steps[index(steps, "seuil init")]
    assert "/etc/seuil --data-dir /var/lib/seuil --mqtt-passwords --site-name La\\ Ruche" in init
    assert "chmod 0600 /etc/seuil/secret.key" in steps
    assert "chmod 0640 /etc/seuil/seuil.toml /etc/seuil/rules.toml" in steps
    assert "seuil mqtt setup /etc/mosquitto/seuil" in steps[index(steps, "mqtt setup")]
    assert "ln -sf /etc/mosquitto/seuil/seuil.conf /etc/mosquitto/conf.d/seuil.conf" in steps
    assert index(steps, "firmware_config/config.txt to /boot/firmware/config.txt") > 0
    assert "udev/rules.d/99-seuil-readers.rules" in steps[index(steps, "99-seuil-readers.rules")]
    # the broker before the daemons, the hub before the nodes, the nodes before the kiosk
    order = [index(steps, "restart mosquitto"), index(steps, "restart seuil-hub.service"),
             index(steps, "restart seuil-node@entrance.service"),
             index(steps, "restart seuil-node@printer.service"), index(steps, "restart seuil-kiosk.service")]
    assert order == sorted(order)
    assert index(steps, "enable seuil-hub.service") < order[1]


def test_every_file_the_installer_copies_is_in_the_repository():
    steps = actions(dry_run("--role", "hub,node,kiosk", "--node", "entrance").stdout)
    copied = [word for step in steps for word in step.split() if word.startswith(str(ROOT))]
    assert copied and all(Path(path.removesuffix("\\[kiosk\\]")).exists() for path in copied), copied
    units = {Path(p).name for p in copied if "/systemd/" in p}
    assert units == {p.name for p in (ROOT / "systemd").glob("*.service")}


def test_a_machine_only_pi_gets_no_broker_and_no_kiosk_and_needs_the_hubs_config():
    result = dry_run("--role", "node", "--node", "printer")
    assert result.returncode == 2 and "seuil mqtt join ID" in result.stderr and "--join FILE" in result.stderr
    steps = actions(result.stdout)
    assert "mosquitto" not in steps[index(steps, "apt-get install")].split()
    # cage as a word (a package, a program), not inside the checkout's path (a clone in .../wt-cage)
    assert not any(Path(word).name == "cage" or "seuil-kiosk" in word for step in steps
                   for word in step.split())


def test_a_second_pi_joins_with_the_hubs_file_before_anything_reads_its_config(tmp_path):
    bundle = tmp_path / "seuil-join-printer.tar"
    bundle.write_bytes(b"")
    result = dry_run("--role", "node", "--node", "printer", "--join", str(bundle))
    assert result.returncode == 0, result.stderr
    steps = actions(result.stdout)
    unpack = index(steps, "seuil mqtt unpack")
    assert steps[unpack].endswith(f"mqtt unpack {bundle} /etc/seuil --node printer")
    assert index(steps, "python3 -m venv") < unpack < index(steps, "systemctl enable seuil-keeper@printer")
    assert not any("mosquitto" in step for step in steps)  # the broker is the hub's


def test_a_hub_for_several_pis_gets_the_tls_listener_of_the_site_ca():
    steps = actions(dry_run("--role", "hub", "--tls", "--tls-host", "seuil-hub.lan").stdout)
    setup = steps[index(steps, "mqtt setup")]
    assert setup.endswith("mqtt setup /etc/mosquitto/seuil --tls --tls-host seuil-hub.lan")


def test_mistakes_on_the_command_line_exit_2_and_change_nothing():
    for args in (("--role", "router"), ("--role", "node"), ("--role", "hub", "--tls-cert", "a.pem"),
                 ("--frobnicate",), ("--role", "hub", "--join", "install.sh"),
                 ("--role", "node", "--node", "printer", "--join", "no-such-bundle.tar"),
                 ("--role", "node", "--node", "printer", "--tls"),
                 ("--role", "hub", "--tls", "--tls-cert", "a.pem", "--tls-key", "a.key")):
        result = dry_run(*args)
        assert result.returncode == 2, args
        assert not actions(result.stdout), args


def test_a_new_card_restores_the_site_before_the_broker_and_the_services_start():
    """``--restore-from``: after the sample site, before mosquitto gets the passwords and the
    daemons start, so the nodes on other Pis sign in with the passwords they already have."""
    result = dry_run("--role", "hub,node,kiosk", "--node", "entrance", "--restore-from",
                     "sftp://backup@nas.local/srv/seuil", "--ssh-key", "/root/backup_ed25519",
                     "--recovery-key-file", "/root/recovery-key.txt")
    assert result.returncode == 0, result.stderr
    steps = actions(result.stdout)
    restore = steps[index(steps, "seuil restore")]
    assert restore.endswith("restore --from sftp://backup@nas.local/srv/seuil --recovery-key-file "
                            "/root/recovery-key.txt --ssh-key /root/backup_ed25519")
    order = [index(steps, "seuil init"), index(steps, "seuil restore"), index(steps, "mqtt setup"),
             index(steps, "restart seuil-hub.service")]
    assert order == sorted(order)
    assert "chown -R seuil:seuil /var/lib/seuil" in steps[order[1]:order[2]]  # what root restored
    assert index(steps, "[backup] target") > order[3]  # then the off-site copy starts again
    refused = dry_run("--role", "node", "--node", "entrance", "--restore-from", "/media/usb/seuil")
    assert refused.returncode == 2 and "add --role hub" in refused.stderr and not actions(refused.stdout)


def test_uninstall_keeps_the_config_and_the_data():
    result = dry_run("--uninstall")
    assert result.returncode == 0
    steps = actions(result.stdout)
    for step in ("rm -rf /opt/seuil /var/cache/seuil", "rm -rf /etc/mosquitto/seuil", "userdel seuil"):
        assert step in steps
    assert not any("/etc/seuil" in step.split() or "/var/lib/seuil" in step for step in steps)
    assert "config (/etc/seuil) and data (/var/lib/seuil) are still there" in result.stdout
    # the kiosk's login session leaves seuil's systemd --user running: userdel refuses until it stops
    assert index(steps, "systemctl stop user@") < index(steps, "userdel seuil")


def test_the_sample_pi_config_loads_and_uses_real_readers_and_signed_in_programs():
    from access.config import load_config

    config = load_config(ROOT / "firmware_config" / "seuil.toml")
    assert set(config.nodes) == {"entrance", "printer", "sewing"}
    assert {node.reader for node in config.nodes.values()} == {"mfrc522"}
    assert all(node.relay is not None and node.relay.pin == 5 for node in config.nodes.values())
    assert config.mqtt.password_dir == "mqtt" and config.data_dir == Path("/var/lib/seuil")


def test_the_mosquitto_examples_are_what_setup_writes_for_the_sample_site():
    """firmware_config/mosquitto/ shows what `seuil mqtt setup /etc/mosquitto/seuil` writes for
    firmware_config/seuil.toml; this keeps the examples from drifting from the code."""
    from access.config import load_config
    from access.mosquitto import acl_text, conf_text, default_listen

    config = msgspec.structs.replace(load_config(ROOT / "firmware_config" / "seuil.toml"),
        source="/etc/seuil/seuil.toml")
    examples = ROOT / "firmware_config" / "mosquitto"
    conf = conf_text(config, Path("/etc/mosquitto/seuil"), listen=default_listen(config), port=1883, tls=None)
    assert (examples / "seuil.conf").read_text() == conf
    assert (examples / "seuil.acl").read_text() == acl_text(config, config.kiosk.entrance)
    assert "listener 1883\n" in conf  # the url names the hub: the broker listens on the network


def _fake_venv(tmp_path: Path, *, running: bool) -> Path:
    """An installed Seuil whose ``seuil node --session`` says a session runs (or not)."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text("#!/bin/sh\n")
    answer = ('echo "a session runs on $3: member #1 since 09:40"; exit 0' if running
              else 'echo "no session runs on $3"; exit 1')
    seuil = bin_dir / "seuil"
    seuil.write_text(f'#!/bin/sh\n[ "$1 $4" = "node --session" ] || exit 9\n{answer}\n')
    for program in (bin_dir / "python", seuil):
        program.chmod(0o755)
    return tmp_path / "venv"


def _dry_run_with(venv: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(INSTALL), "--role", "hub,node", "--node", "printer", *args,
                           "--dry-run"], capture_output=True, text=True, check=False, cwd=ROOT,
                          env={**os.environ, "SEUIL_PI_VENV": str(venv)})


def test_a_node_whose_machine_runs_is_not_restarted_without_saying_so_and_waiting(tmp_path):
    steps = actions(_dry_run_with(_fake_venv(tmp_path, running=True)).stdout)
    wait = index(steps, "a session runs on printer")
    assert "restarts when it ends" in steps[wait]
    assert wait < index(steps, "restart seuil-keeper@printer.service") \
        < index(steps, "restart seuil-node@printer.service")
    forced = actions(_dry_run_with(tmp_path / "venv", "--force").stdout)
    assert not any("a session runs" in step for step in forced)
    assert index(forced, "restart seuil-node@printer.service")


def test_an_idle_node_is_restarted_with_its_keeper_at_once(tmp_path):
    steps = actions(_dry_run_with(_fake_venv(tmp_path, running=False)).stdout)
    assert not any(step.startswith("a session") or "restarts when" in step for step in steps)
    assert index(steps, "enable seuil-keeper@printer.service seuil-node@printer.service") \
        < index(steps, "restart seuil-keeper@printer.service")


def _first_install_config(tmp_path: Path, *args: str):
    """What a first install writes in /etc/seuil, by running the `seuil init` its dry run
    shows, with /etc/seuil and /var/lib/seuil moved into ``tmp_path``."""
    import shlex

    from access.config import load_config
    from tests.integration.cli_helpers import run

    result = dry_run("--role", "hub,node,kiosk", *args)
    assert result.returncode == 0, result.stderr
    init = shlex.split(actions(result.stdout)[index(actions(result.stdout), "seuil init")])
    assert init[0] == "/opt/seuil/venv/bin/seuil"
    moved = [{"/etc/seuil": str(tmp_path / "etc"), "/var/lib/seuil": str(tmp_path / "data")}.get(w, w)
             for w in init[1:]]
    assert run(*moved).code == 0
    return load_config(tmp_path / "etc" / "seuil.toml")


def test_a_first_install_on_a_pi_writes_its_real_readers_and_the_wired_pins(tmp_path):
    config = _first_install_config(tmp_path, "--node", "entrance", "--node", "printer")
    entrance, printer = config.node("entrance"), config.node("printer")
    assert {node.reader for node in config.nodes.values()} == {"mfrc522"}  # never "fake" on a Pi
    # the first reader as firmware_config/README.md wires it: CE0, RST GPIO25, relay on GPIO5
    # (pulled up at boot) for an active-low board, LED 27, buzzer 22, exit button 23
    assert (entrance.mfrc522.spi_device, entrance.mfrc522.reset_pin) == (0, 25)
    assert entrance.relay is not None and (entrance.relay.pin, entrance.relay.active_high) == (5, False)
    assert entrance.led is not None and entrance.led.pin == 27 and entrance.led.active_high
    assert entrance.buzzer is not None and entrance.buzzer.pin == 22
    assert entrance.button is not None and (entrance.button.pin, entrance.button.pull_up) == (23, True)
    assert not entrance.relay_keeper
    # the second reader of the same Pi shares nothing with the first
    assert (printer.mfrc522.spi_device, printer.mfrc522.reset_pin) == (1, 16)
    assert printer.relay is not None and (printer.relay.pin, printer.relay.active_high) == (6, False)
    assert printer.relay_keeper  # a machine: held across restarts of its node
    pins = [(n.relay.pin, n.led.pin, n.buzzer.pin, n.button.pin, n.mfrc522.reset_pin)  # type: ignore[union-attr]
            for n in (entrance, printer)]
    assert not set(pins[0]) & set(pins[1])


def test_a_pi_node_id_of_its_own_gets_its_section_and_a_usb_reader_when_asked(tmp_path):
    config = _first_install_config(tmp_path, "--node", "laser", "--reader", "usb")
    laser = config.node("laser")
    assert laser.reader == "hid" and laser.relay is not None and laser.relay.pin == 5
    assert {"entrance", "printer", "sewing"} <= set(config.nodes)  # the sample rules still hold
    assert {node.reader for node in config.nodes.values()} == {"hid"}


def test_a_pi_has_two_readers_at_most_and_says_so_before_writing_anything(tmp_path):
    from tests.integration.cli_helpers import run

    result = run("init", str(tmp_path / "etc"), "--pi", "--node", "a", "--node", "b", "--node", "c")
    assert result.code == 1 and "two chip selects" in result.err
    assert not (tmp_path / "etc").exists()
    assert run("init", str(tmp_path / "etc"), "--node", "a").code == 1  # --node needs --pi
    assert dry_run("--role", "hub", "--reader", "nfc").returncode == 2


def test_the_laptop_sample_keeps_its_fake_readers_and_no_sample_relay_is_on_a_pulled_down_pin(tmp_path):
    """An active-low board on a pin pulled down at boot (GPIO9-27) switches on while the Pi boots:
    no sample shows one, so none can be copied onto a Pi."""
    from access.config import load_config
    from tests.integration.cli_helpers import run

    assert run("init", str(tmp_path / "laptop")).code == 0
    laptop = load_config(tmp_path / "laptop" / "seuil.toml")
    assert {node.reader for node in laptop.nodes.values()} == {"fake"}
    for config in (laptop, load_config(ROOT / "firmware_config" / "seuil.toml")):
        relays = [n.relay for n in config.nodes.values() if n.relay is not None]
        assert relays and all(r.active_high or r.pin in (5, 6) for r in relays)


def test_online_and_wheelhouse_installs_take_the_same_pinned_versions(tmp_path):
    online = [s for s in actions(dry_run("--role", "hub,node,kiosk", "--node", "entrance").stdout)
              if "pip install" in s and "--upgrade pip" not in s]
    offline = [s for s in actions(dry_run("--role", "hub,node,kiosk", "--node", "entrance",
                                          "--wheelhouse", str(tmp_path)).stdout) if "pip install" in s]
    assert len(online) == len(offline) == 2  # Seuil with its kiosk extra, then mfrc522 alone
    for step in online + offline:
        assert f"-c {ROOT}/constraints.txt" in step
    for step in offline:
        assert f"--no-index --find-links {tmp_path}" in step
    assert not any("--no-index" in step for step in online)
    assert dry_run("--role", "hub", "--wheelhouse", str(tmp_path / "nowhere")).returncode == 2


def test_the_constraints_pin_every_package_seuil_needs_on_a_pi_within_pyproject():
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    from tests.system.wheelhouse import pins

    pinned = {canonicalize_name(p.split("==")[0]): p.split("==")[1] for p in pins()}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    needed = [*project["project"]["dependencies"], *project["project"]["optional-dependencies"]["kiosk"],
              *(r for r in project["project"]["optional-dependencies"]["pi"] if r.startswith("mfrc522")),
              *project["build-system"]["requires"]]
    for text in needed:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is not in constraints.txt"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (text, pinned[name])
