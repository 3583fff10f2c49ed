"""The vocabulary of a work order's history (after Saleor's ``order/events.py``): which kinds of
``WorkOrderEvent`` there are, and what each one carries.

The kinds are stored codes declared in ``choices.py`` (``WorkOrderEvent.kind`` uses them as its choices);
this module re-exports them under the names the history is read and written by — it moves no model field.
A new kind means a new choice there and a migration.

Every entry has the actor (None: the system), optionally the person the actor stood in for
(``on_behalf_of``), the moment, and ``from_status``/``to_status`` when the status changed:

=================  ==========================================================  ======================================
kind               written when                                                ``data``
=================  ==========================================================  ======================================
``created``        a work order is opened (``work_order_create``)              trade, routing
``assigned``       dispatched, re-dispatched, grabbed, or given to an          from_assignee, to_assignee, grabbed,
                   arrangement's fixed housekeeper                             arrangement
``offered``        published for grabbing (抢单)
``declined``       the worker declines, with the reason                        from_assignee
``status``         accepted / on the way / arrived / finished / reported /     confirmed, rating, return_visit_required,
                   signed off / closed / cancelled — and a change of the       vendor; ``ROUTING_CHANGED``: from_routing,
                   routing class (``ROUTING_CHANGED``)                         to_routing, vendor
``material``       a material recorded                                         material, name, quantity
``photo``          a photo uploaded                                            photo, stage
``return_visit``   a return visit recorded (reached or not)                    visit, quality
``contact_sheet``  a step of the warranty contact sheet                        step, signer
``vendor``         the vendor told, or chased past its promised time           vendor, due
``follow_up``      a follow-up planned or done; moved to the engineering       due, follow_up
                   follow-up register
=================  ==========================================================  ======================================

``confirmed`` (客户确认) and ``approval`` (周审批) are declared but not written: the customer's confirmation is
part of the ``status`` entry of finishing, the weekly approval is a ``core`` event of its own.

Duty and reachability have their own history (``DutyEvent``) with the kinds of ``DutyEventKind``.
"""

from .choices import DutyEventKind, EventKind

WorkOrderEventKind = EventKind

# A change of the routing class is recorded as a ``status`` entry whose ``data`` has ``to_routing`` (the
# status itself changes only when a job already with our worker goes to a vendor and back to "to dispatch").
ROUTING_CHANGED = EventKind.STATUS
ROUTING_DATA_KEY = "to_routing"

__all__ = ["ROUTING_CHANGED", "ROUTING_DATA_KEY", "DutyEventKind", "EventKind", "WorkOrderEventKind"]
