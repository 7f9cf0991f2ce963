"""Finding a member the way an admin names them: id, email, or the start of the name."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.errors import Ambiguous, InvalidInput, NotFound, did_you_mean
from access.store.models import Member

MAX_CANDIDATES_SHOWN = 5


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name: ``"Élodie"`` matches ``"elo"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


MAX_REF_LENGTH = 254  # the longest email; no name is longer (did-you-mean on more is slow)
MAX_ID_DIGITS = 18  # ids fit a signed 64-bit integer on every database


def find_member(session: Session, ref: str, *, erased_ok: bool = False) -> Member:
    """A member by id (``12`` or ``#12``), email, or a unique prefix of the name.

    Names are tried from the most to the least exact: the whole name, a whole word of it,
    the start of the name, the start of any word; the first tier with matches decides.
    An erased member (``seuil member erase``) is only their id, and only where ``erased_ok``
    (the ledger's anonymous entries); anything else about them is refused.
    """
    ref = ref.strip()
    if len(ref) > MAX_REF_LENGTH:
        raise NotFound(f"no member matches a {len(ref)}-character name")
    if re.fullmatch(r"#?\d+", ref):
        if len(ref.lstrip("#")) > MAX_ID_DIGITS:
            raise NotFound(f"no member has id {ref.lstrip('#')}")
        found = session.get(Member, int(ref.lstrip("#")))
        if found is None:
            raise NotFound(f"no member has id {ref.lstrip('#')}")
        if found.erased_at is not None and not erased_ok:
            raise NotFound(f"#{found.id} was erased on {found.erased_at.date().isoformat()}: "
                           "only their anonymous ledger entries remain",
                           hint=f"seuil ledger list #{found.id}")
        return found
    if "@" in ref:
        by_email = session.scalars(
            select(Member).where(func.lower(Member.email) == ref.lower())).first()
        if by_email is None:
            raise NotFound(f"no member has the email {ref}")
        return by_email
    wanted = fold(ref)
    if not wanted:
        raise InvalidInput("name a member by id, email or the start of their name")
    everyone = session.execute(select(Member.id, Member.name)
                               .where(Member.erased_at.is_(None))).all()
    tests: tuple[Callable[[str], bool], ...] = (
        lambda name: fold(name) == wanted,
        lambda name: wanted in fold(name).split(),  # "ada" is Ada Lovelace, not Adam Smith
        lambda name: fold(name).startswith(wanted),
        lambda name: any(word.startswith(wanted) for word in fold(name).split()),
    )
    for test in tests:
        matches = [(i, n) for i, n in everyone if test(n)]
        if len(matches) == 1:
            return session.get_one(Member, matches[0][0])
        if len(matches) > 1:
            shown = ", ".join(f"{n} (#{i})" for i, n in matches[:MAX_CANDIDATES_SHOWN])
            hidden = len(matches) - MAX_CANDIDATES_SHOWN
            more = f" and {hidden} more" if hidden > 0 else ""
            raise Ambiguous(f'"{ref}" matches {len(matches)} members: {shown}{more}',
                            hint="type more of the name, or use the id (#12) or the email")
    raise NotFound(f'no member matches "{ref}"{did_you_mean(ref, [n for _, n in everyone])}',
                   hint="see `seuil member list`")
