"""The cases' pages: portal.py for applicants (apply, my cases, a case, lookup), workbench.py for staff
(inboxes, the case page with its actions, receiving at a cross-city window). Each lists `urlpatterns`."""
