"""The off-site copy's pure parts and its site-files store, on real SQLite files."""

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from access.config import load_config, parse_config
from access.errors import FileInvalid, InvalidInput, NotInitialised, Unavailable
from access.offsite import litestream, site_files
from access.offsite.status import judge, refuse_same_disk
from access.offsite.target import TargetError, parse_target

NOW = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
RSA = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7"


@pytest.mark.parametrize("text", ["ftp://nas/seuil", "sftp://nas.local/srv", "sftp://u:pw@nas/srv/seuil",
                                  "sftp://u@nas/", "file://relative/x", "seuil-backups", "s3:///x",
                                  "sftp://u@nas:port/srv"])
def test_a_target_that_cannot_be_used_says_how_to_write_it(text):
    with pytest.raises(TargetError):
        parse_target(text)


def test_a_bad_target_in_seuil_toml_is_reported_at_its_line(tmp_path):
    text = '[site]\nname = "La Ruche"\n\n[backup]\ntarget = "ftp://nas/seuil"\n'
    with pytest.raises(FileInvalid) as raised:
        parse_config(text, "seuil.toml", tmp_path)
    assert "seuil.toml:5: backup.target:" in raised.value.message


def test_a_copy_is_late_past_the_allowed_delay_or_when_changes_stay_unsent():
    allowed = timedelta(minutes=5)
    assert judge(NOW, NOW - timedelta(minutes=4), allowed).state == "ok"
    assert judge(NOW, NOW - timedelta(minutes=6), allowed).state == "late"
    assert judge(NOW, NOW - timedelta(seconds=30), allowed, behind=True).state == "late"
    nothing = judge(NOW, None, allowed)
    assert (nothing.state, nothing.exit_code) == ("unreachable", 4)
    assert judge(NOW, NOW - timedelta(minutes=6), allowed).exit_code == 3
    late = judge(NOW, NOW - timedelta(minutes=75), allowed, target="/media/usb/seuil")
    assert late.summary(NOW) == ("LATE: the newest copy reached /media/usb/seuil 75 min ago, more than "
                                 "the allowed 5 min")


def _site(tmp_path: Path, backup: str) -> Path:
    (tmp_path / "site").mkdir()
    config = tmp_path / "site" / "seuil.toml"
    config.write_text(f'[mqtt]\npassword_dir = "mqtt"\n\n[backup]\n{backup}\n')
    (tmp_path / "site" / "rules.toml").write_text("# rules\n")
    (tmp_path / "site" / "secret.key").write_text("s" * 64 + "\n")
    (tmp_path / "site" / "mqtt").mkdir()
    (tmp_path / "site" / "mqtt" / "hub").write_text("hub-password-123\n")
    return config


def test_litestream_gets_each_kind_of_target(tmp_path):
    config_path = _site(tmp_path, 'target = "s3://la-ruche/seuil"\ns3_endpoint = "http://127.0.0.1:9000"\n'
                                  's3_access_key_id = "AK"\ns3_secret_file = "s3.secret"')
    (tmp_path / "site" / "s3.secret").write_text("SK\n")
    files = litestream.Replicated(Path("/var/lib/seuil/seuil.db"), Path("/var/lib/seuil/site-files.db"))
    document = json.loads(litestream.config_text(load_config(config_path), files))
    database, kept = document["dbs"]
    assert database["path"] == "/var/lib/seuil/seuil.db"
    assert database["replica"] == {"type": "s3", "bucket": "la-ruche", "path": "seuil/database",
                                   "region": "us-east-1", "endpoint": "http://127.0.0.1:9000",
                                   "force-path-style": True, "access-key-id": "AK",
                                   "secret-access-key": "SK", "sync-interval": "1s"}
    assert kept["replica"]["path"] == "seuil/site-files"
    sftp = parse_target("sftp://backup@nas.local:2222/srv/seuil")
    config = load_config(config_path)
    pinned = msgspec.structs.replace(config,
        backup=msgspec.structs.replace(config.backup, ssh_host_key=ED25519))
    section = litestream.replica(pinned, sftp, "database")
    assert (section["type"], section["host"], section["user"], section["path"], section["host-key"]) == (
        "sftp", "nas.local:2222", "backup", "/srv/seuil/database", ED25519)


def test_an_sftp_server_whose_key_is_not_known_is_refused_and_known_hosts_is_read(tmp_path, monkeypatch):
    """Litestream signs in to any server at the address when it is given no host key."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    config = load_config(_site(tmp_path, 'target = "sftp://backup@nas.local:2222/srv/seuil"'))
    sftp = parse_target(config.backup.target)
    if any(Path(name).is_file() for name in litestream.KNOWN_HOSTS[1:]):
        pytest.skip("this machine has a system-wide known_hosts")
    with pytest.raises(NotInitialised) as refused:
        litestream.config_text(config, litestream.Replicated(Path("a.db"), Path("b.db")))
    assert "host key of nas.local:2222 is not known" in refused.value.message
    (tmp_path / "home" / ".ssh").mkdir(parents=True)
    (tmp_path / "home" / ".ssh" / "known_hosts").write_text(f"nas.local {RSA}\n[nas.local]:2222 {ED25519}\n")
    assert litestream.replica(config, sftp, "database")["host-key"] == ED25519


def test_seuil_toml_refuses_a_host_key_that_is_not_one(tmp_path):
    text = '[site]\nname = "La Ruche"\n\n[backup]\nssh_host_key = "nas.local ssh-ed25519"\n'
    with pytest.raises(FileInvalid) as raised:
        parse_config(text, "seuil.toml", tmp_path)
    assert "seuil.toml:5: backup.ssh_host_key:" in raised.value.message


def test_litestream_never_sees_the_admins_aws_settings():
    shell = {"PATH": "/usr/bin", "HOME": "/root", "AWS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt",
             "AWS_PROFILE": "work", "LITESTREAM_ACCESS_KEY_ID": "x", "LANG": "fr_FR.UTF-8"}
    assert litestream.environment(shell) == {
        "PATH": "/usr/bin", "HOME": "/root", "LANG": "fr_FR.UTF-8", "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_EC2_METADATA_DISABLED": "true"}


def test_the_secrets_are_encrypted_in_the_copy_and_a_wrong_key_opens_nothing(tmp_path):
    config_path = _site(tmp_path, 'target = "/media/usb/seuil"')
    config = load_config(config_path)
    key, new = site_files.create_recovery_key(config)
    assert new and site_files.recovery_key_path(config).stat().st_mode & 0o777 == 0o600
    copy = tmp_path / "site-files.db"
    assert site_files.refresh(config, NOW, path=copy) == 4  # seuil.toml, rules.toml, secret, mqtt/hub
    assert site_files.refresh(config, NOW, path=copy) == 0  # unchanged: nothing rewritten
    raw = b"".join(bytes(row[0]) for row in sqlite3.connect(copy).execute("SELECT content FROM files"))
    assert b"s" * 64 not in raw and b"hub-password-123" not in raw and b"# rules" in raw
    files = {f.name: f for f in site_files.read(copy, key.lower().replace("-", " "))}  # as typed
    assert files["secret.key"].content == b"s" * 64 + b"\n" and files["secret.key"].secret
    assert files["mqtt/hub"].content == b"hub-password-123\n"
    assert site_files.config_name(copy) == "seuil.toml"
    with pytest.raises(InvalidInput, match="does not open"):
        site_files.read(copy, site_files.new_recovery_key())


def test_a_folder_target_on_the_data_disk_is_refused(tmp_path):
    """An unplugged USB stick leaves its empty mount point on the SD card."""
    config_path = _site(tmp_path, f'target = "{tmp_path}/media/usb/seuil"')
    with pytest.raises(Unavailable, match="same disk"):
        refuse_same_disk(load_config(config_path))
