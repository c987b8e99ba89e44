"""Coaching cycles (a school's named stretches of weeks, e.g. six weeks) and the GROW
write-ups of peer-triad meetings: their models, and the reading helpers other features
share (coverage, exports and the teacher's journey group or filter by cycle).

No blueprint here: admins set cycles in app.admin, triad members write up in app.triads.
"""
