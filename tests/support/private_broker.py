"""A RabbitMQ node of a test's own, for fault tests that kill, pause or cut off a broker.

The machine's broker (the one `make run` and every other test use) is never touched: the
private node has its own node name, AMQP and distribution ports, data and log folders,
Erlang cookie (its own HOME) and configuration, and no plugins (so no management port).
It is addressed with `rabbitmqctl -n <node>` and stopped (and its folder removed) at the end.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

from tests.conftest import wait_until


def _sbin() -> Path | None:
    """The RabbitMQ scripts themselves (not Debian's wrapper, which switches to the rabbitmq
    user and its cookie)."""
    found = sorted(glob.glob("/usr/lib/rabbitmq/lib/rabbitmq_server-*/sbin"))
    if found:
        return Path(found[-1])
    server = shutil.which("rabbitmq-server")
    return Path(server).resolve().parent if server else None


def available() -> bool:
    sbin = _sbin()
    return sbin is not None and (sbin / "rabbitmq-server").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateBroker:
    def __init__(self, prefix: str = "it") -> None:
        self.sbin = _sbin()
        assert self.sbin is not None, "RabbitMQ is not installed"
        self.name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        self.node = f"{self.name}@localhost"
        self.port = free_port()
        self.dist_port = free_port()
        self.base = Path(tempfile.mkdtemp(prefix=f"broker-{self.name}-"))
        self.uri = f"amqp://guest:guest@127.0.0.1:{self.port}/"
        self.process: subprocess.Popen | None = None
        home = self.base / "home"
        home.mkdir()
        cookie = home / ".erlang.cookie"
        cookie.write_text(uuid.uuid4().hex.upper())
        cookie.chmod(0o400)
        (self.base / "enabled_plugins").write_text("[].\n")
        (self.base / "rabbitmq.conf").write_text(
            f"listeners.tcp.local = 127.0.0.1:{self.port}\n"
            "loopback_users.guest = true\n")
        (self.base / "rabbitmq-env.conf").write_text("")  # not the machine's
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("RABBITMQ_")},
            "HOME": str(home),
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.base / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(self.base / "rabbitmq.conf"),
            "RABBITMQ_CONF_ENV_FILE": str(self.base / "rabbitmq-env.conf"),
            "RABBITMQ_PID_FILE": str(self.base / "node.pid"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }

    # -- control -----------------------------------------------------------------------
    def ctl(self, *args: str, check: bool = True, timeout: float = 60) -> str:
        done = subprocess.run([str(self.sbin / "rabbitmqctl"), "-n", self.node, "-q", *args],
                              env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {args[0]} on {self.node}: {done.stderr[-500:]}")
        return done.stdout

    def answers(self) -> bool:
        try:
            return subprocess.run(
                [str(self.sbin / "rabbitmqctl"), "-n", self.node, "-q", "await_startup",
                 "--timeout", "5"], env=self.env, capture_output=True, timeout=20,
            ).returncode == 0
        except subprocess.TimeoutExpired:
            return False

    def start(self, timeout: float = 120) -> None:
        log = open(self.base / "server.out", "ab")  # noqa: SIM115 - the node's own output
        self.process = subprocess.Popen([str(self.sbin / "rabbitmq-server")], env=self.env,
                                        stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log.close()
        try:
            wait_until(self.answers, timeout=timeout, interval=0.5,
                       message=f"the private RabbitMQ node {self.node}")
        except AssertionError:
            out = (self.base / "server.out").read_text(errors="replace")[-2000:]
            raise AssertionError(f"private node {self.node} did not start: {out}") from None

    def beam_pid(self) -> int:
        return int((self.base / "node.pid").read_text().strip())

    def kill(self) -> None:
        """kill -9 of this node's Erlang VM (and nothing else)."""
        pid = self.beam_pid()
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not _alive(pid), timeout=30, message=f"{self.node} to die")
        if self.process is not None:
            self.process.wait(timeout=30)
            self.process = None

    def stop(self) -> None:
        if self.process is not None or self.answers():
            self.ctl("shutdown", check=False, timeout=60)
        if self.process is not None:
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            self.process = None
        try:
            pid = self.beam_pid()
        except (FileNotFoundError, ValueError):
            pid = None
        if pid is not None and _alive(pid):
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.base, ignore_errors=True)

    # -- set-up helpers ------------------------------------------------------------------
    def vhost(self, name: str) -> str:
        self.ctl("add_vhost", name)
        self.ctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        return f"amqp://guest:guest@127.0.0.1:{self.port}/{name}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False

