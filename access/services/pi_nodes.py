"""The ``[nodes.<id>]`` sections of a Raspberry Pi's seuil.toml: real readers, real pins.

``seuil init --pi`` (what ``install.sh --role ...`` runs) writes these instead of the laptop
sample's fake readers. The pins are those of firmware_config/README.md, where each is wired:
the first reader of a Pi on SPI0 chip select 0 with its relay on GPIO5, a second one on chip
select 1 with its relay on GPIO6. Both relay pins are pulled *up* while the Pi boots, so the
common active-low relay boards stay off until the node claims them (a pulled-down pin such as
GPIO17 would open the door at every boot). Pure text: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from access.errors import InvalidInput

PiReader = Literal["mfrc522", "hid"]


@dataclass(frozen=True)
class Wiring:
    """Where one reader and its parts are wired on a Pi (BCM numbers; header pins in comments)."""

    spi_device: int
    """The RC522's chip select on SPI0: 0 (CE0, header 24) or 1 (CE1, header 26)."""
    reset_pin: int
    relay_pin: int
    led_pin: int
    buzzer_pin: int
    button_pin: int
    contact_pin: int
    sense_pin: int
    header: dict[int, int]
    """BCM number -> header pin, for the comments."""


FIRST = Wiring(spi_device=0, reset_pin=25, relay_pin=5, led_pin=27, buzzer_pin=22, button_pin=23,
               contact_pin=24, sense_pin=26,
               header={25: 22, 5: 29, 27: 13, 22: 15, 23: 16, 24: 18, 26: 37})
SECOND = Wiring(spi_device=1, reset_pin=16, relay_pin=6, led_pin=13, buzzer_pin=19, button_pin=12,
                contact_pin=20, sense_pin=21,
                header={16: 36, 6: 31, 13: 33, 19: 35, 12: 32, 20: 38, 21: 40})
WIRINGS = (FIRST, SECOND)
"""A Pi wires two RC522 readers at most (SPI0 has two chip selects)."""


@dataclass(frozen=True)
class SampleNode:
    node_id: str
    description: str
    machine: bool


SAMPLE_NODES = (SampleNode("entrance", "Front door, by the kiosk", machine=False),
                SampleNode("printer", "3D printer, maker corner", machine=True),
                SampleNode("sewing", "Sewing machine, maker corner", machine=True))
"""The nodes the sample rules.toml names: kept in every Pi's file so the sample rules hold."""


def _gpio(wiring: Wiring, pin: int) -> str:
    return f"GPIO{pin}, header {wiring.header[pin]}"


def _comment(line: str, text: str, width: int = 32) -> str:
    return f"{line.ljust(width - 1)} # {text}"


def node_section(node_id: str, description: str, *, machine: bool, reader: PiReader,
                 wiring: Wiring) -> str:
    """One ``[nodes.<id>]`` of a Pi, wired as ``wiring`` says."""
    w = wiring
    lines = [f"[nodes.{node_id}]", f'description = "{description}"', f'reader = "{reader}"']
    relay = f"relay = {{ pin = {w.relay_pin}, active_high = false }}"
    lines.append(_comment(relay, f"{_gpio(w, w.relay_pin)}: pulled up at boot, "
                                 "an active-low board stays off", width=44))
    if machine:
        lines.append(_comment("relay_keeper = true", f"held by seuil-keeper@{node_id}: "
                                                     "a node restart never cuts the machine"))
    else:
        lines.append(_comment("unlock_seconds = 5", "how long the strike stays open"))
    lines += [_comment(f"led = {{ pin = {w.led_pin} }}", f"{_gpio(w, w.led_pin)}, through 330 ohms"),
              _comment(f"buzzer = {{ pin = {w.buzzer_pin} }}", f"{_gpio(w, w.buzzer_pin)}, an active buzzer")]
    button = f"button = {{ pin = {w.button_pin} }}"
    if machine:
        lines.append(_comment(button, f"{_gpio(w, w.button_pin)} to ground: hold 3 s = out of service"))
        lines.append(_comment(f"# running_sense = {{ pin = {w.sense_pin} }}",
                              f"a current sensor on {_gpio(w, w.sense_pin)}"))
    else:
        lines.append(_comment(button, f"{_gpio(w, w.button_pin)} to ground: the exit button"))
        lines.append(_comment(f"# door_contact = {{ pin = {w.contact_pin} }}",
                              f"{_gpio(w, w.contact_pin)}: active when the door is closed"))
    if not machine:
        lines.append(_comment("# relay_keeper = true", "a machine instead of a door: see docs/wiring.md"))
    lines.append("")
    if reader == "mfrc522":
        chip_select = f"chip select {w.spi_device} (CE{w.spi_device})"
        lines += [_comment(f"[nodes.{node_id}.mfrc522]", f"the RC522 on SPI0, {chip_select}"),
                  "spi_bus = 0", f"spi_device = {w.spi_device}",
                  _comment(f"reset_pin = {w.reset_pin}", f"RST on {_gpio(w, w.reset_pin)}")]
    else:
        lines += [_comment(f"[nodes.{node_id}.hid]", "a USB reader that types the UID"),
                  _comment('device = ""', "fill in: ls -l /dev/input/by-id/ (...-event-kbd)"),
                  _comment('format = "hex"', 'or "decimal-msb" / "decimal-lsb": what it types')]
    return "\n".join(lines) + "\n"


def pi_nodes(here: Sequence[str], reader: PiReader) -> str:
    """The node sections of a Pi running the nodes ``here``, then the sample's other nodes.

    ``here`` are wired on this Pi (the first as FIRST, the second as SECOND); the sample's nodes
    not named are written as if each had its own Pi (wired FIRST), so the sample rules still
    name only nodes that exist. Raises ``InvalidInput`` for a third reader or a repeated id.
    """
    for node_id in here:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", node_id):
            raise InvalidInput(f'node id "{node_id}" must be lower-case letters, digits and dashes')
    if len(set(here)) != len(here):
        raise InvalidInput("each --node is given once")
    if len(here) > len(WIRINGS):
        raise InvalidInput(f"a Pi wires {len(WIRINGS)} readers at most (SPI0 has two chip selects): "
                           "give the others their own Pi (docs/install-pi.md, \"More than one Pi\")")
    samples = {node.node_id: node for node in SAMPLE_NODES}
    sections = []
    for node_id, wiring in zip(here, WIRINGS, strict=False):
        sample = samples.get(node_id)
        description = sample.description if sample else f"{node_id} (this Pi)"
        sections.append(node_section(node_id, description, machine=bool(sample and sample.machine),
                                     reader=reader, wiring=wiring))
    for sample in SAMPLE_NODES:
        if sample.node_id not in here:
            sections.append(node_section(sample.node_id, sample.description + " (its own Pi)",
                                         machine=sample.machine, reader=reader, wiring=FIRST))
    return "\n".join(sections)
