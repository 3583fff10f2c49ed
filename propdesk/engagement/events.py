"""The vocabulary of the engagement histories.

===================  ==============================================  ===================================
kind                 written when                                    ``data``
===================  ==============================================  ===================================
interview recorded   an interview is entered in the register         kind, household, satisfaction
interview ticket     a finding became a ticket                       ticket, kind
interview reported   an important finding was fed back to the center
plan planned         a plan was made or re-made                      target, slots, members
survey created       a questionnaire was created or changed          sections, questions
survey status        the survey moved (approval, opening, results)   from_status, to_status
survey answered      a sheet was entered                             channel, household (unless anonymous)
box created/changed  a box was set up or changed                     place, owner
box opened           the box was opened                              items, tickets
consultation created a special customer was consulted                ticket
meeting created      a forum, committee meeting or activity recorded opinions, tickets
===================  ==============================================  ===================================
"""

from .choices import EngagementEventKind, InterviewEventKind

__all__ = ["EngagementEventKind", "InterviewEventKind"]
