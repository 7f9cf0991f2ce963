"""What a command handler gets: its parsed arguments and the site, opened on first use."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from access.config import Config, load_config

if TYPE_CHECKING:
    from access.services.context import Site


@dataclass
class CommandContext:
    args: argparse.Namespace
    _site: Site | None = field(default=None, init=False)
    _config: Config | None = field(default=None, init=False)

    def config(self) -> Config:
        """The config alone: for commands that run where there is no database (a node)."""
        if self._config is None:
            self._config = self._site.config if self._site else load_config(self.args.config)
        return self._config

    def site(self) -> Site:
        if self._site is None:
            from access.bootstrap import open_site

            self._site = open_site(self.args.config)
        return self._site

    def close(self) -> None:
        if self._site is not None:
            self._site.store.close()


Handler = Callable[[CommandContext], int]
