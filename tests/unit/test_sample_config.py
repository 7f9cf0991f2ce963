"""The commented samples of seuil.toml say the schema's defaults: every key is a schema key, and a
value shown is the default unless the sample sets it for its site on purpose."""

import re
import tomllib
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path

import msgspec
import pytest

from access.config import Config, NodeConfig, parse_config

REPO = Path(__file__).resolve().parents[2]
INIT_SAMPLE = resources.files("access.samples").joinpath("seuil.toml").read_text(encoding="utf-8")
PI_SAMPLE = (REPO / "firmware_config" / "seuil.toml").read_text(encoding="utf-8")

# What `seuil init DIR` writes in the placeholders when given no --data-dir (access/services/site_init.py).
INIT_VALUES = {"site_name": "Seuil", "site_id": "seuil", "data": ".", "db": "sqlite:///seuil.db",
               "backups": "backups", "mqtt_password_dir": ""}

# Keys a sample sets for its site: the site's own names, places and wiring, not defaults.
SITE_SPECIFIC = {
    "init": {"kiosk.entrance", "backup.target"},
    "pi": {"site.name", "site.id", "paths.data_dir", "database.url", "backup.dir", "backup.target",
           "mqtt.url", "mqtt.password_dir", "kiosk.entrance", "nodes.*.description", "nodes.*.reader",
           "nodes.*.relay_keeper"},
}
# A node's own settings: what it is, and its pins, have no default to compare with.
NODE_OWN = {"nodes.*.description"}


def rendered(sample: str) -> str:
    """The sample as `seuil init` writes it, with its commented-out keys (``# key = value``) written in."""
    text = re.sub(r"\{pad_\w+\}", "  ", sample)
    text = re.sub(r"\{(\w+)\}", lambda m: INIT_VALUES[m.group(1)], text)
    return re.sub(r"^# ([a-z_]+ = .*)$", r"\1", text, flags=re.MULTILINE)


def leaves(table: dict, prefix: str = "") -> list[str]:
    """The dotted path of every value the file writes (an inline table's keys included)."""
    paths = []
    for key, value in table.items():
        path = f"{prefix}{key}"
        paths.extend(leaves(value, path + ".") if isinstance(value, dict) else [path])
    return paths


def value_at(tree: object, path: str) -> object:
    for part in path.split("."):
        if not isinstance(tree, dict) or part not in tree:
            raise KeyError(path)
        tree = tree[part]
    return tree


def tree_of(section: object) -> dict:
    """A section and the tables in it as dicts, as tomllib reads a file."""
    return msgspec.to_builtins(section, enc_hook=str)


def defaults_for(config: Config) -> dict:
    """The schema's defaults, with a default node under each node id the file names."""
    tree = tree_of(Config())
    tree["nodes"] = {node_id: tree_of(NodeConfig()) for node_id in config.nodes}
    return tree


def differences(sample: str, site_specific: set[str]) -> list[str]:
    text = rendered(sample)
    config = parse_config(text, "seuil.toml", Path("/srv/seuil"), env={})  # every key is a schema key
    written, defaults = tree_of(config), defaults_for(config)
    found = []
    for path in leaves(tomllib.loads(text)):
        if any(fnmatch(path, pattern) for pattern in site_specific | NODE_OWN):
            continue
        try:
            default = value_at(defaults, path)
        except KeyError:
            continue  # under a section whose default is None (a relay, a button): no default
        if default is not None and value_at(written, path) != default:
            found.append(f"{path} = {value_at(written, path)!r}, the schema's default is {default!r}")
    return found


@pytest.mark.parametrize(("name", "sample"), [("init", INIT_SAMPLE), ("pi", PI_SAMPLE)])
def test_the_commented_sample_shows_the_schema_defaults(name, sample):
    assert differences(sample, SITE_SPECIFIC[name]) == []


def test_the_sample_seuil_init_writes_names_every_section_of_the_schema():
    written = tomllib.loads(rendered(INIT_SAMPLE))
    assert set(Config.__struct_fields__) - {"base_dir", "source"} <= set(written)



def test_the_pi_nodes_show_the_schema_defaults_and_the_pi_sample_is_what_init_writes():
    from access.services.pi_nodes import pi_nodes

    written = pi_nodes(["entrance", "printer"], "mfrc522")
    pi_keys = SITE_SPECIFIC["pi"] | {"nodes.*.mfrc522.spi_device", "nodes.*.mfrc522.reset_pin"}
    assert differences(INIT_SAMPLE[: INIT_SAMPLE.index("\n[nodes.") + 1] + written, pi_keys) == []
    assert PI_SAMPLE.endswith(pi_nodes(["entrance"], "mfrc522"))  # firmware_config/seuil.toml
