"""Running calls at the same moment, for the tests of PostgreSQL's row locks (SQLite serializes whole
transactions, so these tests are skipped there)."""

import threading

from django.db import connections


def run_together(*calls) -> list:
    """Each call on its own thread and connection, started at the same moment; what each returned or
    raised, in the order given."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # the test inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
