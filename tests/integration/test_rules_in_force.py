"""The rules in force, as the kiosk and the hub read them after every tap."""

from pathlib import Path

from access.bootstrap import open_site
from access.services.rules import apply_rules, current


def test_the_rules_in_force_are_parsed_once_until_new_rules_are_applied(site_dir: Path) -> None:
    site = open_site()
    try:
        first = current(site)
        assert current(site).rules is first.rules  # the same text: parsed once, not at every tap
        rules = site.config.rules_path
        rules.write_text(rules.read_text(encoding="utf-8").replace(
            'description = "', 'description = "New ', 1), encoding="utf-8")
        apply_rules(site)
        applied = current(site)
        assert applied.version == first.version + 1
        assert applied.rules is not first.rules
        assert applied.rules != first.rules  # the new text, not the cached one
    finally:
        site.store.close()
