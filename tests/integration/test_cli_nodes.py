"""`seuil node`, `seuil tap`, `seuil snapshot publish`, `seuil card enroll --tap`."""

import subprocess
import sys
import threading

from tests.integration.cli_helpers import db_dump, run
from tests.integration.node_helpers import RELAY, NodeUnderTest, wait_until


def test_tap_is_refused_for_a_node_with_a_real_reader(maker_space, site_dir):
    config = site_dir / "seuil.toml"
    config.write_text(config.read_text().replace('[nodes.sewing]\nreader = "fake"',
                                                 '[nodes.sewing]\nreader = "mfrc522"'))
    result = run("tap", "--node", "sewing", "--uid", "A1000001")
    assert result.code == 1
    assert 'node "sewing" has a real reader (mfrc522)' in result.err


def test_tap_says_when_no_node_is_listening(maker_space):
    result = run("tap", "--node", "printer", "--uid", "A1000001")
    assert result.code == 1
    assert "no node is listening" in result.err
    assert "seuil node --node printer" in result.err


def test_tap_with_a_bad_uid_or_unknown_node(maker_space):
    result = run("tap", "--node", "printer", "--uid", "A1")
    assert (result.code, "is 2 hex digits" in result.err) == (1, True)
    result = run("tap", "--node", "printre", "--uid", "A1000001")
    assert result.code == 1
    assert 'no node "printre"' in result.err
    assert '(did you mean "printer"?)' in result.err


def test_node_and_tap_usage_errors_exit_2(site_dir):
    assert run("node").code == 2
    assert run("tap", "--node", "printer").code == 2
    assert run("card", "enroll", "ada", "--uid", "A1000001", "--tap", "printer").code == 2


def test_node_for_an_unknown_node_exits_1(site_dir):
    result = run("node", "--node", "frontdoor")
    assert result.code == 1
    assert 'no node "frontdoor"' in result.err


def test_a_tap_through_the_socket_opens_the_door(maker_space):
    from tests.integration.node_helpers import FakeClock, next_wednesday_10am

    node = NodeUnderTest(maker_space, "entrance", FakeClock(next_wednesday_10am()),
                         on_socket=True).start()
    try:
        result = run("tap", "--node", "entrance", "--uid", "a1:00:00:01")
        assert result.code == 0, result.err
        assert result.out.strip() == "tapped A1000001 on entrance"
        assert wait_until(lambda: len(node.pin(RELAY).states) > 1)
    finally:
        node.stop()


def test_enroll_by_tapping_the_card_on_a_reader(maker_space, db):
    from access.hardware.reader import FakeReader
    from tests.integration.node_helpers import FakeClock, next_wednesday_10am

    reader = FakeReader()
    node = NodeUnderTest(maker_space, "entrance", FakeClock(next_wednesday_10am()),
                         reader=reader).start()
    # A real `seuil` process, and the card is tapped when it asks, as a person at the terminal
    # does: the prompt must come once it listens (it came before, and a quick tap was missed).
    enroll = subprocess.Popen([sys.executable, "-m", "access.cli.main", "card", "enroll", "bob",
                               "--tap", "entrance", "--label", "blue fob", "--timeout", "20"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(30, enroll.kill)  # a prompt that never comes fails, not hangs
    watchdog.start()
    try:
        prompt = enroll.stderr.readline()
        assert prompt.startswith("Tap the card on the reader of node entrance"), prompt
        reader.tap("F6000006")
        out, err = enroll.communicate(timeout=20)
        assert enroll.returncode == 0, prompt + err
        assert "enrolled card" in out and "Bob Marley" in out
        assert run("snapshot", "publish").code == 0
        assert wait_until(lambda: len(node.core.base.cards) == 5)
        node.tap("F6000006")  # the card just enrolled now opens the door
        assert node.is_on(RELAY)
    finally:
        watchdog.cancel()
        enroll.kill()
        node.stop()
    shown = run("card", "list", "--member", "bob")
    assert "blue fob" in shown.out


def test_enroll_by_tap_times_out_and_changes_nothing(maker_space, db):
    before = db_dump(db)
    result = run("card", "enroll", "bob", "--tap", "entrance", "--timeout", "0.5")
    assert result.code == 1
    assert "no card was tapped within 0.5 s" in result.err
    assert db_dump(db) == before


def test_enroll_by_tap_refuses_an_unknown_member_before_waiting(maker_space):
    result = run("card", "enroll", "bobby tables", "--tap", "entrance", "--timeout", "30")
    assert result.code == 1
    assert "Tap the card" not in result.err


def test_snapshot_publish_without_a_broker_is_a_clear_error(site_dir, monkeypatch):
    monkeypatch.setenv("SEUIL_MQTT_URL", "mqtt://127.0.0.1:9")
    result = run("snapshot", "publish")
    assert result.code == 1
    assert "cannot reach the MQTT broker at 127.0.0.1:9" in result.err


def test_a_node_started_on_a_laptop_says_there_is_no_gpio_in_one_line(site_dir):
    import os

    env = {k: v for k, v in os.environ.items() if k != "GPIOZERO_PIN_FACTORY"}
    done = subprocess.run([sys.executable, "-m", "access.cli.main", "--config", str(site_dir / "seuil.toml"),
                           "node", "--node", "printer"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "seuil: no GPIO on this machine: gpiozero found no pin library",
        "  hint: on a Pi, install.sh --role node sets it up; on a laptop, try `seuil demo`, or "
        "GPIOZERO_PIN_FACTORY=mock for a node on mock pins"]


def test_a_database_that_cannot_be_opened_is_one_line_not_a_traceback(site_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("SEUIL_DATABASE_URL", f"sqlite:///{tmp_path / 'no such folder' / 'seuil.db'}")
    result = run("member", "list")
    assert result.code == 1
    assert result.err.startswith(f"seuil: cannot open the database sqlite:///{tmp_path}/no such folder/"
                                 "seuil.db: unable to open database file\n")
    monkeypatch.setenv("SEUIL_DATABASE_URL", "mysql://seuil:secret@db/seuil")
    result = run("member", "list")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.startswith('SEUIL_DATABASE_URL: "mysql://seuil:***@db/seuil" is not a database')
    assert "secret" not in result.err


def test_config_check_says_ok_in_one_line_or_lists_every_problem(site_dir):
    result = run("config", "check")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith(f"{site_dir / 'seuil.toml'}: ok (site ")
    assert "3 nodes: entrance, printer, sewing" in result.out
    typo = site_dir / "typo.toml"
    written = (site_dir / "seuil.toml").read_text()
    typo.write_text(written.replace('entrance = "entrance"', 'entrance = "entrnace"'))
    result = run("config", "check", str(typo))
    assert result.code == 0 and result.err == ('note: kiosk.entrance is "entrnace", which this file has no '
                                               '[nodes.entrnace] for (did you mean "entrance"?): the kiosk '
                                               "would show no taps\n")
    broken = site_dir / "broken.toml"
    broken.write_text('[site]\ncapacty = 3\ncapacity = 0\n[nodes.door]\nrelay = { pin = 17 }\n'
                      'led = { pin = "GPIO17" }\n')
    result = run("config", "check", str(broken))
    assert result.code == 1 and result.out == ""
    assert result.err.splitlines() == [
        f'{broken}:2: site.capacty: unknown key (did you mean "capacity"?)',
        f"{broken}:3: site.capacity: must be at least 1 (it is 0)",
        f"{broken}:6: nodes.door.led.pin: GPIO17 is already relay.pin: one pin, one use",
        "seuil: 3 problems, nothing changed"]


def test_a_node_with_a_usb_or_fake_reader_alone_needs_no_gpio(site_dir):
    import os
    import time

    config = site_dir / "seuil.toml"
    config.write_text(config.read_text() + '\n[nodes.desk]\nreader = "fake"\n')
    env = {k: v for k, v in os.environ.items() if k != "GPIOZERO_PIN_FACTORY"}
    node = subprocess.Popen([sys.executable, "-m", "access.cli.main", "--config", str(config), "node",
                             "--node", "desk"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(3)
        assert node.poll() is None  # running: before, it stopped at "no GPIO on this machine"
    finally:
        node.terminate()
        _, err = node.communicate(timeout=20)
    assert "no GPIO" not in err and "Traceback" not in err


def test_a_file_that_is_not_a_database_is_one_line(site_dir, monkeypatch, tmp_path):
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("shopping list: milk, bread\n" * 100)
    monkeypatch.setenv("SEUIL_DATABASE_URL", f"sqlite:///{not_a_db}")
    result = run("member", "list")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.startswith(f"seuil: cannot open the database sqlite:///{not_a_db}: "
                                 "file is not a database\n")
