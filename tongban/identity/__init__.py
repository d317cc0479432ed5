"""Who is who: accounts of citizens, companies and staff, agents' mandates, staff roles, identity codes,
API tokens, and the one permission layer every selector and service uses."""
