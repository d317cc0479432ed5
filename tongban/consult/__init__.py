"""我要提问: the public question board — asking (with a captcha and rate limits), triage on arrival (junk held
back, duplicates merged with a count, personal data masked in public, abusive language flagged), moderation,
routing to a department, answering against a working-day deadline with lights, and the public list."""
