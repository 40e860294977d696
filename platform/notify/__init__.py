"""Telling people: in-app notifications for staff, workspace e-mail with its delivery log, and
the scheduler that finds due work (task reminders, overdue complaints)."""
