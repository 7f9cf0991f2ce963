"""The hub's schedule (APScheduler, in the site's timezone).

Jobs that write the database are handed to the hub's worker (``submit``), so they never race
the intake; the backup only reads and runs in the scheduler's own thread. Every job catches
up: a hub that was down at 04:00 checks people out when it starts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from access.backup import NIGHTLY, make_backup
from access.domain.schedule import parse_time_of_day
from access.payments.provider import PaymentProvider, from_config
from access.services import checkouts, housekeeping, occupancy
from access.services.context import Site

log = logging.getLogger(__name__)

Submit = Callable[[str, Callable[[], object]], None]
OCCUPANCY_MINUTES = "0,15,30,45"
BOUNDARY_JOB = "snapshot-boundary"
CHECKOUT_POLL_S = 30


class HubJobs:
    def __init__(self, site: Site, submit: Submit) -> None:
        self.site = site
        self.submit = submit
        self.scheduler = BackgroundScheduler(
            timezone=site.clock.tz,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
        self._boundary: datetime | None = None
        self.provider: PaymentProvider | None = None

    def start(self) -> None:
        tz = self.site.clock.tz
        cutoff = self.site.clock.cutoff
        backup_at = parse_time_of_day(self.site.config.backup.time)
        add = self.scheduler.add_job
        add(lambda: self.submit("end of day", self.end_of_day), CronTrigger(
            hour=cutoff.hour, minute=cutoff.minute, timezone=tz), id="end-of-day")
        add(lambda: self.submit("occupancy", self.sample), CronTrigger(
            minute=OCCUPANCY_MINUTES, timezone=tz), id="occupancy")
        add(self.backup, CronTrigger(hour=backup_at.hour, minute=backup_at.minute, timezone=tz),
            id="backup")
        self.provider = from_config(self.site.config)
        # The fake provider keeps its checkouts in the kiosk's memory: only the kiosk can ask it.
        if self.provider is not None and self.provider.name != "fake":
            add(lambda: self.submit("online checkouts", self.confirm_checkouts),
                IntervalTrigger(seconds=CHECKOUT_POLL_S, timezone=tz), id="online-checkouts")
        self.scheduler.start()
        self.submit("end of day (catch-up)", self.end_of_day)

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    # --- the jobs -----------------------------------------------------------------------------

    def end_of_day(self) -> None:
        done = housekeeping.end_of_day(self.site)
        anonymised = housekeeping.anonymise_access_events(self.site)
        purged = housekeeping.purge_dead_letters(self.site)
        if done.checked_out or done.passes_expired or anonymised or purged:
            log.info("end of day: %d checked out automatically, %d day passes expired, %d old taps "
                     "anonymised, %d dead letters purged", done.checked_out, done.passes_expired,
                     anonymised, purged)

    def confirm_checkouts(self) -> None:
        """Ask the provider about every pending checkout: the kiosk is never the only one waiting."""
        if self.provider is None:
            return
        for done in checkouts.confirm_pending(self.site, self.provider):
            log.info("online checkout #%d %s: %s", done.id, done.state,
                     done.outcome or done.problem or "-")

    def sample(self) -> None:
        occupancy.take_sample(self.site)

    def backup(self) -> None:
        try:
            made = make_backup(self.site, kind=NIGHTLY)
        except Exception:
            log.exception("the nightly backup failed")
            return
        log.info("nightly backup %s (%d KiB), %d old one(s) removed", made.path, made.size // 1024,
                 len(made.removed))

    def schedule_boundary(self, republish: Callable[[], None]) -> None:
        """Republish the snapshots when the next membership, training or day pass ends."""
        boundary = housekeeping.next_boundary(self.site)
        if boundary == self._boundary or not self.scheduler.running:
            return
        self._boundary = boundary
        if boundary is None:
            if self.scheduler.get_job(BOUNDARY_JOB):
                self.scheduler.remove_job(BOUNDARY_JOB)
            return
        self.scheduler.add_job(republish, DateTrigger(run_date=boundary), id=BOUNDARY_JOB,
                               replace_existing=True)
