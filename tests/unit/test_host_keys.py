"""Which SFTP host key Litestream is given: pinned, or from a known_hosts file (pure parts)."""

import base64
import hashlib
import hmac

import pytest

from access.offsite.host_keys import HostKeyError, choose, key_line, known_keys, revoked_keys

ED = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
EC = ("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9"
      "nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg=")
RSA = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7"


def hashed(name: str, salt: bytes = b"0123456789abcdefghij") -> str:
    digest = hmac.new(salt, name.encode(), hashlib.sha1).digest()
    return f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"


def test_a_key_line_keeps_its_type_and_key_and_drops_the_comment():
    assert key_line(f"{ED} root@nas\n") == ED


@pytest.mark.parametrize("text", ["", "AAAAC3Nz", "ssh-foo AAAA", "ssh-ed25519 not*base64", "nas.local"])
def test_anything_else_is_not_a_host_key(text):
    with pytest.raises(HostKeyError):
        key_line(text)


def test_known_hosts_names_a_server_off_port_22_in_brackets():
    text = f"nas.local {RSA}\n[nas.local]:2222 {ED}\n"
    assert known_keys(text, "nas.local", 2222) == [ED]
    assert known_keys(text, "nas.local") == [RSA]
    assert known_keys(text, "other.local") == []


def test_hashed_entries_comma_lists_wildcards_and_negations():
    text = (f"{hashed('[10.0.0.5]:2222')} {ED}\n"
            f"# a comment {EC}\n"
            f"nas,nas.local,192.168.1.9 {EC}\n"
            f"*.lan,!evil.lan {RSA}\n")
    assert known_keys(text, "10.0.0.5", 2222) == [ED]
    assert known_keys(text, "10.0.0.5") == []
    assert known_keys(text, "192.168.1.9") == [EC]
    assert known_keys(text, "NAS.local") == [EC]
    assert known_keys(text, "box.lan") == [RSA]
    assert known_keys(text, "evil.lan") == []


def test_revoked_keys_and_certificate_authorities_are_never_trusted():
    text = f"@revoked * {ED}\n@cert-authority *.lan {EC}\nnas.lan {ED}\n"
    assert known_keys(text, "nas.lan") == [ED]  # found, but...
    assert revoked_keys(text) == {ED}  # ...the caller leaves it out


def test_of_several_keys_litestream_gets_the_one_its_client_asks_for_first():
    assert choose([ED, RSA, EC]) == EC
    assert choose([ED, RSA]) == RSA
    assert choose([ED]) == ED
    with pytest.raises(HostKeyError):
        choose([])
