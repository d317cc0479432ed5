"""The processes behind `tongban serve`: gunicorn and the background worker, started and stopped together.

gunicorn's master runs in this process (through `BaseApplication`, so no second command line to keep in
step) and forks the web workers. django-tasks-db's `db_worker` runs as one more child, started once
gunicorn listens, restarted if it dies, and stopped when gunicorn stops. The child runs in its own session
so that Ctrl-C in a terminal reaches only this process, which then stops the worker with one SIGTERM
(db_worker finishes its current task on the first signal and aborts it on a second). On Linux the child
also asks the kernel to end it if this process is killed outright, so it never outlives `tongban serve`.
"""

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable

import structlog
from gunicorn.app.base import BaseApplication

log = structlog.get_logger("tongban.serve")

PARENT_PID_ENV = "TONGBAN_SERVE_PID"
WORKER_COMMAND = [sys.executable, "-m", "tongban.cli", "worker"]
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class WorkerProcess:
    """The background worker as a child process, watched and restarted until stop() is called."""

    def __init__(
        self, command: list[str] = WORKER_COMMAND, *, stop_timeout: float = 30, restart_delay: float = 5
    ):
        self.command = command
        self.stop_timeout = stop_timeout
        self.restart_delay = restart_delay
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> None:
        with self._lock:
            self._spawn()
        threading.Thread(target=self._watch, name="tongban-worker-watch", daemon=True).start()

    def _spawn(self) -> None:
        env = {**os.environ, PARENT_PID_ENV: str(os.getpid())}
        self.process = subprocess.Popen(self.command, env=env, start_new_session=True)  # noqa: S603
        log.info("worker started", pid=self.process.pid)

    def _watch(self) -> None:
        """Restart the worker when it exits on its own (a lost database connection ends db_worker)."""
        while not self._stopping.wait(self.restart_delay):
            with self._lock:
                if self._stopping.is_set() or self.process is None or self.process.poll() is None:
                    continue
                # No exit code: gunicorn's master reaps every child (waitpid(-1)), ours included.
                log.warning("worker exited, restarting", pid=self.process.pid)
                self._spawn()

    def stop(self) -> None:
        """SIGTERM (db_worker finishes the task it is running), then SIGKILL after stop_timeout."""
        self._stopping.set()
        with self._lock:
            process = self.process
            if process is None or process.poll() is not None:
                return
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                log.warning("worker did not stop in time, killing it", pid=process.pid)
                process.kill()
                process.wait()
        log.info("worker stopped", pid=process.pid)


def exit_with_parent() -> None:
    """In a worker started by `tongban serve`: end this process when `tongban serve` ends, even by SIGKILL.

    Linux only (prctl); elsewhere the worker is still stopped on every ordinary exit of `tongban serve`.
    """
    parent = os.environ.pop(PARENT_PID_ENV, "")
    if not parent or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != int(parent):  # the parent was already gone before prctl took effect
        sys.exit(0)


def port_problem(host: str, port: int) -> str | None:
    """Why gunicorn could not listen on host:port (in Chinese), or None; checked first so that the user
    gets one clear line instead of gunicorn's retries."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return (
                f"无法在 {host}:{port} 上监听（{exc.strerror}）。端口可能已被占用，可用 --port 换一个端口。"
            )
    return None


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class TongbanServer(BaseApplication):
    """gunicorn configured from Python; the WSGI application is Django's."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self):
        from django.core.wsgi import get_wsgi_application

        from tongban.catalog.search import search_warm_up

        application = get_wsgi_application()
        search_warm_up()  # with preload_app, once in the master: the forked workers share it
        return application


def gunicorn_options(*, host: str, port: int, workers: int) -> dict:
    from django.conf import settings

    return {
        "bind": [bind_address(host, port)],
        "workers": workers,
        # Threads let one slow request (an export, a big search) not block a whole process.
        "worker_class": "gthread",
        "threads": 4,
        "timeout": 60,
        "graceful_timeout": 20,
        "proc_name": "tongban",
        "preload_app": True,
        # RequestLogMiddleware logs every request once, with its request id; gunicorn's own events go
        # through the same structured logging as Django's.
        "accesslog": None,
        "logconfig_dict": settings.LOGGING,
        "control_socket_disable": True,
    }


def serve(*, host: str, port: int, workers: int, ready: Callable[[WorkerProcess], None]) -> int:
    """Run gunicorn and the worker until SIGINT/SIGTERM; returns gunicorn's exit status."""
    from django.db import connections

    worker = WorkerProcess()
    # Forked web workers must open their own database connections (SQLite and psycopg alike).
    connections.close_all()

    def when_ready(arbiter) -> None:
        worker.start()
        ready(worker)

    def on_exit(arbiter) -> None:
        worker.stop()

    options = gunicorn_options(host=host, port=port, workers=workers)
    options.update(when_ready=when_ready, on_exit=on_exit)
    try:
        TongbanServer(options).run()
    except SystemExit as exc:  # gunicorn ends its master loop with sys.exit(status)
        return exc.code if isinstance(exc.code, int) else 1
    finally:
        worker.stop()
    return 0
