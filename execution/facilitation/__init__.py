"""Facilitators of the social clause: their access, the follow-up of hours, their checks."""
