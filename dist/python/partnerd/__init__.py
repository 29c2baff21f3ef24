"""partnerd from Python: the ``partnerd`` binary this wheel put on PATH, and a handle on a
running server (:class:`Server`) with its control plane (reset, seed, faults, the request
journal, the clock). The pytest plugin (:mod:`partnerd.pytest_plugin`) builds its fixtures
from these; they work without pytest as well::

    with partnerd.Server() as server:
        test = server.for_new_partner()
        ...  # test.base_url, test.token

Only the standard library is used, so the wheel brings no dependencies.
"""

import json
import os
import shutil
import signal
import subprocess
import sysconfig
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

__all__ = ["binary", "Server", "Partnerd", "ControlPlaneError"]


def binary():
    """The ``partnerd`` executable: ``$PARTNERD_BINARY``, else the one this wheel installed
    next to the Python interpreter's scripts, else the first on PATH."""
    chosen = os.environ.get("PARTNERD_BINARY")
    if chosen:
        return chosen
    installed = os.path.join(sysconfig.get_path("scripts"), "partnerd")
    if os.access(installed, os.X_OK):
        return installed
    found = shutil.which("partnerd")
    if found is None:
        raise FileNotFoundError("no partnerd binary: pip install partnerd, or set PARTNERD_BINARY")
    return found


class ControlPlaneError(Exception):
    """A control-plane request was refused; ``status`` and ``body`` say how."""

    def __init__(self, method, url, status, body):
        super().__init__(f"{method} {url}: {status} {body}")
        self.status = status
        self.body = body


class Server:
    """A ``partnerd serve`` process on a free loopback port (``--listen 127.0.0.1:0``), in
    memory without demo data unless ``args`` say otherwise. Started on construction, once its
    ``--ready-file`` appears; :meth:`stop` (or leaving the ``with`` block) ends it with SIGTERM."""

    def __init__(self, args=(), start_timeout=30.0):
        self._dir = tempfile.mkdtemp(prefix="partnerd-")
        ready_file = os.path.join(self._dir, "ready.json")
        args = list(args)
        store = [] if {"--db", "--database-url", "--memory"} & set(args) else ["--memory"]
        demo = [] if "--demo-customers" in args else ["--no-demo"]
        command = [binary(), "serve", "--listen", "127.0.0.1:0", "--ready-file", ready_file, *store, *demo, *args]
        self._log = open(os.path.join(self._dir, "partnerd.log"), "wb")
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log)
        deadline = time.monotonic() + start_timeout
        while not os.path.exists(ready_file):
            if self.process.poll() is not None:
                raise RuntimeError(f"partnerd exited ({self.process.returncode}) before it was ready:\n{self.log()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"partnerd was not ready within {start_timeout} s:\n{self.log()}")
            time.sleep(0.02)
        with open(ready_file) as f:
            ready = json.load(f)
        #: ``http://127.0.0.1:PORT``
        self.base_url = ready["url"]
        #: ``http://127.0.0.1:PORT/_partnerd`` (None when the control plane is off)
        self.admin_url = ready["adminUrl"]

    def log(self):
        """What the server has written to stderr so far."""
        self._log.flush()
        with open(self._log.name, errors="replace") as f:
            return f.read()

    def stop(self, timeout=10.0):
        """SIGTERM, then SIGKILL if it has not ended within ``timeout`` seconds."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def control(self, method, path, body=None, query=None):
        """A control-plane request (``path`` under ``/_partnerd``); the JSON answer, or None."""
        url = f"{self.admin_url}{path}"
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                text = response.read()
        except urllib.error.HTTPError as e:
            raise ControlPlaneError(method, url, e.code, e.read().decode(errors="replace")) from None
        return json.loads(text) if text else None

    def for_new_partner(self):
        """A :class:`Partnerd` for a partner nobody has used: no customers, its own token."""
        return Partnerd(self, str(uuid.uuid4()))


class Partnerd:
    """One test's view of a server: ``base_url``, ``partner`` (a GUID) and ``token`` (a bearer
    token for it, renewed by :meth:`set_clock` and :meth:`advance_clock` so that it is valid on
    the moved clock), and the control plane."""

    def __init__(self, server, partner):
        self.server = server
        self.base_url = server.base_url
        self.admin_url = server.admin_url
        self.partner = partner
        self.token = self.token_for(partner)

    def token_for(self, partner):
        """A development bearer token for any partner GUID."""
        return self.server.control("POST", "/tokens", {"partner": partner})["token"]

    @property
    def headers(self):
        """``Authorization`` for this partner, for raw HTTP clients."""
        return {"Authorization": f"Bearer {self.token}"}

    def reset(self, everything=False):
        """Deletes this partner's customers, kept responses, journal entries, fault rules and
        guidance tallies; every partner's with ``everything``."""
        return self.server.control("POST", "/reset", query=None if everything else {"partner": self.partner})

    def seed(self, count, seed=1):
        """Adds ``count`` deterministic synthetic customers to this partner."""
        return self.server.control("POST", f"/partners/{self.partner}/seed", {"count": count, "seed": seed})

    def add_fault(self, **rule):
        """Adds a fault rule (members as docs/control-plane.md names them: ``method``,
        ``route``, ``status``, ``count``, ``latencyMs``, ``drop``...); returns it as kept."""
        return self.server.control("POST", "/faults", rule)

    def faults(self):
        return self.server.control("GET", "/faults")["items"]

    def clear_faults(self):
        self.server.control("DELETE", "/faults")

    def requests(self, **filters):
        """The journal's entries for this partner, newest first; ``filters`` as the control
        plane takes them (``method``, ``route``, ``status``, ``since``, ``limit``...)."""
        return self.server.control("GET", "/requests", query={"partner": self.partner, **filters})["items"]

    def clear_requests(self):
        self.server.control("DELETE", "/requests", query={"partner": self.partner})

    def clock(self):
        """``{"offsetSeconds", "now"}``: the server's clock."""
        return self.server.control("GET", "/clock")

    def set_clock(self, offset_seconds):
        """Sets the clock's offset from the real time; renews ``token`` for the new time."""
        return self._move_clock({"offsetSeconds": offset_seconds})

    def advance_clock(self, seconds):
        """Moves the clock ``seconds`` ahead; renews ``token`` for the new time."""
        return self._move_clock({"advanceSeconds": seconds})

    def _move_clock(self, body):
        clock = self.server.control("POST", "/clock", body)
        self.token = self.token_for(self.partner)
        return clock
