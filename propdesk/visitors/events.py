"""The vocabulary of a visit's and an invitation's history (``VisitEvent``, ``InvitationEvent``).

==================  ==========================================  ===========================================
kind                written when                                ``data``
==================  ==========================================  ===========================================
visit ``checked_in``   a visitor is registered in (form or code)   purpose, invitation, people
visit ``checked_out``  the visitor leaves                          stayed_minutes
visit ``revealed``     the identity number is revealed (audited)   field
visit ``id_erased``    the retention job erased the number         retention_days
invitation ``created``    pre-registered for a window              valid_from, valid_until
invitation ``used``       the code was checked in                  visit
invitation ``cancelled``  cancelled by the resident or staff
==================  ==========================================  ===========================================
"""

from .choices import InvitationEventKind, VisitEventKind

__all__ = ["InvitationEventKind", "VisitEventKind"]
