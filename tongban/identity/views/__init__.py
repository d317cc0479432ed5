"""Identity's pages: accounts (register, log in, my account), mandates, identity codes, the workbench door.

Each module lists its own `urlpatterns`; identity/urls.py joins them under the `identity` namespace.
"""
