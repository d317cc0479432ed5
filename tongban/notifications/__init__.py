"""Notifications to applicants and staff: in-app messages, SMS and e-mail through pluggable senders,
sent after commit by tasks, retried, never twice."""
