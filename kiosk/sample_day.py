"""A busy day, made up, for the screenshots and the layout tests: real numbers, long names.

17 people in for 20 desks (13 shown by name, some long), six machines (four running, one out of
service, one free), a reader offline, a day's chart up to mid-afternoon; or ``crowded``: 30
people in, every one by name. Nothing is written anywhere: these are the dashboard's facts, as
``kiosk.dashboard.gather`` would read them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from access.bus.schemas import ResourceState
from access.services.day_passes import VISITOR_NAME
from access.services.screens.dashboard import Dashboard, HourBar, MachineInUse, Present
from access.services.screens.roll_call import Inside, RollCall
from kiosk.dashboard import Facts

NAMES = (
    "Marie-Clémentine de La Tour d'Auvergne", "Inès Moreau", "Hugo Lambert", "Léa Girard",
    "Nathan Roux", "Chloé Fontaine-Delacroix", "Malik Benali", "Sarah Cohen", "Yanis Petit",
    "Manon Leroy", "Jules Garnier", "Ada Lovelace", "Grace Hopper", "Aurélien Vandenberghe-Lefebvre",
    "Zoé Martin", "Théo Bernard", "Camille Dubois", "Lucas Thomas", "Emma Robert", "Louis Richard",
    "Jade Durand", "Gabriel Moreau", "Louise Simon", "Raphaël Laurent", "Alice Michel",
    "Arthur Lefèvre", "Rose Mercier", "Adam Blanc", "Lina Guérin", "Sacha Boyer",
)

MACHINES = (
    ("3d-printer", "Prusa MK4 (imprimante 3D)", "printer"),
    ("laser", "Découpeuse laser Trotec Speedy 100", "laser"),
    ("sewing-machine", "Brother Innov-is", "sewing"),
    ("cnc", "Fraiseuse CNC Shapeoko 4 XXL", "cnc"),
    ("soldering", "Station de soudure", "soldering"),
    ("embroidery", "Brodeuse Brother PE800", "embroidery"),
)

TODAY = (3, 6, 9, 12, 15, 16, 14, 16, 17)
"""People in, 7:00 to 15:00."""
TYPICAL = (1, 3, 6, 9, 11, 12, 9, 11, 12, 12, 10, 8, 5, 3, 2, 1)


def busy_day(now: datetime, *, crowded: bool = False) -> tuple[Facts, list[ResourceState], dict[str, str]]:
    """The facts of a busy day at ``now``, a time on the site's clock (an afternoon reads best),
    the machines' retained states, and each node's status."""
    count, capacity, named = (30, 32, 30) if crowded else (17, 20, 13)
    present = [Present(i + 1, NAMES[i] if i < named else None, now - timedelta(minutes=7 * (count - i)))
               for i in range(count)]
    running = [("3d-printer", 1, timedelta(hours=2, minutes=10), timedelta(hours=1, minutes=25)),
               ("laser", 5, timedelta(minutes=20), timedelta(minutes=40)),
               ("sewing-machine", 6, timedelta(minutes=50), None),
               ("cnc", 14, timedelta(minutes=5), timedelta(hours=3, minutes=55))]
    machines = [MachineInUse(resource, member, present[member - 1].name, now - ago)
                for resource, member, ago, _ in running]
    states = [ResourceState(resource=resource, node=dict((m[0], m[2]) for m in MACHINES)[resource], ts=now,
                            state="in_use", member_id=member, since=now - ago,
                            until=now + left if left else None)
              for resource, member, ago, left in running]
    states.append(ResourceState(resource="soldering", node="soldering", ts=now, state="out_of_service"))
    hour = now.hour
    bars = [HourBar(7 + i, float(TODAY[i]) if 7 + i < hour and i < len(TODAY)
                    else (float(count) if 7 + i == hour else None), float(TYPICAL[i]))
            for i in range(16)]
    board = Dashboard(now, capacity, present, machines, [])
    nodes = {"entrance": "Porte d'entrée", **{node: description for _, description, node in MACHINES}}
    facts = Facts(board, bars, [(name, description) for name, description, _ in MACHINES], nodes,
                  ((8 * 60, 20 * 60),))
    status = {node: "online" for node in nodes}
    status["laser"] = "offline"
    return facts, states, status


def busy_roll_call(now: datetime, *, crowded: bool = False) -> RollCall:
    """The fire roll-call of the same day: everyone inside by name, two of them on a day pass
    (one who gave no name)."""
    facts, _, _ = busy_day(now, crowded=crowded)
    people = [Inside(p.member_id, NAMES[p.member_id - 1], p.since, visitor=False)
              for p in facts.board.present]
    people[-1] = Inside(people[-1].member_id, VISITOR_NAME, people[-1].since, visitor=True)
    people[-2] = Inside(people[-2].member_id, "Camille", people[-2].since, visitor=True)
    return RollCall(now, tuple(people))
