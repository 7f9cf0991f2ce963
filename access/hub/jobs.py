"""The hub's schedule (APScheduler, in the site's timezone).

Jobs that write the database are handed to the hub's worker (``submit``), so they never race
the intake; the backup only reads and runs in the scheduler's own thread. Every job catches
up: a hub that was down at 04:00 checks people out when it starts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from access.backup import NIGHTLY, make_backup, sqlite_path
from access.bus.schemas import BackupStatus, encode
from access.bus.topics import Topics
from access.domain.schedule import parse_time_of_day
from access.errors import SeuilError
from access.offsite import dumps, site_files
from access.offsite import status as copy_status
from access.payments.provider import PaymentProvider, from_config
from access.services import checkouts, housekeeping, occupancy
from access.services.context import Site

log = logging.getLogger(__name__)

Submit = Callable[[str, Callable[[], object]], None]
Publish = Callable[[str, bytes, bool], None]
OCCUPANCY_MINUTES = "0,15,30,45"
BOUNDARY_JOB = "snapshot-boundary"
CHECKOUT_POLL_S = 30
OFFSITE_EVERY_S = 60
"""The site's files and heartbeat go to the target, and its freshness is read, this often."""
FIRST_OFFSITE_S = 10
"""The first look after the hub starts: Litestream, started beside it, has made its first copy."""


class HubJobs:
    def __init__(self, site: Site, submit: Submit, publish: Publish | None = None) -> None:
        self.site = site
        self.submit = submit
        self.publish = publish
        self.copy: copy_status.CopyStatus | None = None
        self._last_dump: datetime | None = None
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
        if self.site.config.backup.target:
            add(self.offsite, IntervalTrigger(seconds=OFFSITE_EVERY_S, timezone=tz), id="offsite",
                next_run_time=self.site.now() + timedelta(seconds=FIRST_OFFSITE_S))
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

    def offsite(self) -> None:
        """The off-site copy: refresh the site's files (and heartbeat), dump PostgreSQL when due,
        then read the target and say how fresh it is (log, retained ``hub/backup``). Only
        ``site-files.db`` and the target are written: it runs beside the worker."""
        config, now = self.site.config, self.site.now()
        try:
            site_files.refresh(config, now)
        except SeuilError as error:  # no recovery key yet: say it, once a minute, in one line
            log.warning("the off-site copy lacks the site's files: %s", error.message)
        except Exception:
            log.exception("could not refresh the site's files for the off-site copy")
        every_s = config.backup.dump_minutes * 60
        due = self._last_dump is None or (now - self._last_dump).total_seconds() >= every_s
        if sqlite_path(config.database_url) is None and due:
            try:
                log.info("off-site dump written: %s", dumps.dump(self.site))
                self._last_dump = now
            except Exception:
                log.exception("the off-site dump failed")
        checked = copy_status.check(config, self.site.now)
        if checked.state != "ok" and (self.copy is None or self.copy.state != checked.state
                                      or checked.state == "late"):
            log.warning("off-site copy: %s", checked.summary(self.site.now()))
        elif checked.state == "ok" and self.copy is not None and self.copy.state != "ok":
            log.info("off-site copy: %s", checked.summary(self.site.now()))
        self.copy = checked
        if self.publish is not None:
            payload = BackupStatus(state=checked.state, checked_at=self.site.now(),
                                   last_copy_at=checked.last_copy_at,
                                   max_delay_minutes=config.backup.max_delay_minutes)
            self.publish(Topics(config.site.id).hub_backup, encode(payload), True)

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
