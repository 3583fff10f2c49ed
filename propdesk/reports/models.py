"""Rollups: daily counts per community and kind of ticket, kept current by the worker (``services.rollup``).

A report reads these few rows instead of scanning every ticket. ``RolledTicket`` keeps, per ticket, what the
rollup last counted for it (its community, kind, day received, day closed), so a change — a ticket closed,
reopened, moved to another community, reclassified — is applied as "take the old contribution away, add the
new one": exact, and cheap whatever the size of the ticket table.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from propdesk.core.scoping import ScopedQuerySet


class TicketDay(models.Model):
    """Tickets received and closed on one day in one community, per kind."""

    day = models.DateField(_("日期"))
    service_center = models.ForeignKey("org.ServiceCenter", on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=20)
    received = models.IntegerField(_("受理数"), default=0)
    closed = models.IntegerField(_("关闭数"), default=0)
    # Tickets received that day that are still open now (open work by age reads these few rows).
    open = models.IntegerField(_("未完成数"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center_id", "community": "community_id"}

    class Meta:
        verbose_name = _("每日工单汇总")
        verbose_name_plural = _("每日工单汇总")
        constraints = [
            models.UniqueConstraint(fields=["day", "community", "kind"], name="reports_ticketday_uniq"),
        ]
        indexes = [models.Index(fields=["service_center", "day"], name="reports_ticketday_center_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.community_id} {self.kind}: {self.received}/{self.closed}"


class TicketFacetMonth(models.Model):
    """Tickets received in one month in one community, per kind, counted by one facet's value.

    Facets (see ``services.facets``): ``category`` (complaint category, repair trade), ``class`` (complaint
    responsibility class), ``validity``, ``building`` (building id), ``team`` (department id), ``person``
    (assignee id), ``sla`` (clocks ``met``/``breached``), ``visit`` (the last return visit: ``satisfied``,
    ``unsatisfied``, ``reached``, ``unreached``), ``opinion`` (a complaint's customer ``satisfied``/``unsatisfied``).
    Every figure is counted in the month the ticket was received.
    """

    month = models.DateField(_("月份"))  # the first day of the month
    service_center = models.ForeignKey("org.ServiceCenter", on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=20)
    facet = models.CharField(_("维度"), max_length=12)
    value = models.CharField(_("取值"), max_length=40, blank=True)
    n = models.IntegerField(_("数量"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"service_center": "service_center_id", "community": "community_id"}

    class Meta:
        verbose_name = _("每月工单分项汇总")
        verbose_name_plural = _("每月工单分项汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "community", "kind", "facet", "value"], name="reports_facetmonth_uniq"
            ),
        ]
        indexes = [models.Index(fields=["service_center", "month"], name="reports_facetmonth_center_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.community_id} {self.kind} {self.facet}={self.value}: {self.n}"


class RolledTicket(models.Model):
    """What the rollup last counted for one ticket."""

    ticket_id = models.BigIntegerField(primary_key=True)
    service_center_id = models.BigIntegerField()
    community_id = models.BigIntegerField()
    kind = models.CharField(max_length=20)
    received_day = models.DateField()
    closed_day = models.DateField(null=True)
    # What the ticket added to ``TicketFacetMonth``: ``[[facet, value, n], …]`` (sorted).
    facets = models.JSONField(default=list)
    is_open = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"ticket {self.ticket_id}"


class RollupState(models.Model):
    """How far the rollup has read the ticket history (one row per rollup: its lock and its watermarks): the
    highest event id seen by each of the last runs, oldest first."""

    name = models.CharField(max_length=40, primary_key=True)
    marks = models.JSONField(default=list)
    rolled_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.name
