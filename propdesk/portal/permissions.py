"""Who may use the resident portal: residents of a household (their requests are ruled by the ticket core's
``resident_request`` rules in ``tickets.services.resident``)."""

from propdesk.core.permissions import RuleSet

portal = RuleSet("portal", household=lambda h: h.pk, paths={"household": "pk"})
portal.allow("use", residents=True)
