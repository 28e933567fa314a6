"""A private OpenSSH server on 127.0.0.1, and an 80x24 terminal that drives ``ssh`` in it.

The server runs as the current user with its own host key, its own
``authorized_keys`` (a fresh ed25519 key) and its own pid and log files, all in
a temporary folder; nothing of the system's ssh set-up is read or changed. It
serves only the current user, with a ``Match User`` block shaped like the one
``docs/DEPLOY-SSH.md`` gives a clinic (``ForceCommand``, ``SetEnv``, no
forwarding). Run as root, sshd insists on its privilege-separation directory
(``/run/sshd``), which a system without a running sshd may lack: it is made
then, as the system's own sshd service would.

The terminal is a pseudo-terminal sized 80x24 whose output is fed to the
``pyte`` terminal emulator, so tests wait for text as a clerk would see it on
screen, whatever escape sequences drew it.
"""

from __future__ import annotations

import fcntl
import os
import pty
import pwd
import select
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pyte

COLS, ROWS = 80, 24
START_TIMEOUT_S = 15.0


def find_sshd() -> str | None:
    """The sshd binary (often in an sbin folder that is not on a user's PATH)."""
    found = shutil.which("sshd")
    if found:
        return found
    for folder in ("/usr/sbin", "/usr/local/sbin", "/sbin"):
        candidate = Path(folder) / "sshd"
        if os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def missing_tools() -> str | None:
    """Why these tests cannot run here, or ``None`` when they can."""
    if not hasattr(os, "pidfd_open") or not Path("/proc/self/stat").exists():
        return "needs Linux (/proc and pidfd_open)"
    if find_sshd() is None:
        return "sshd is not installed (apt-get install openssh-server; CI installs it)"
    for tool in ("ssh", "ssh-keygen"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install openssh-client)"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def process_alive(pid: int) -> bool:
    """``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_gone(pids: list[int], timeout: float) -> list[int]:
    """Wait until every process in ``pids`` has exited; the ones still running at ``timeout``.

    Each exit is waited for through a pidfd (no polling), which works for
    processes that are not this one's children, such as sshd's sessions.
    """
    fds: dict[int, int] = {}
    try:
        for pid in pids:
            try:
                fds[os.pidfd_open(pid)] = pid
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + timeout
        while fds:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select(list(fds), [], [], left)
            for fd in ready:
                del fds[fd]
                os.close(fd)
        return sorted(pid for pid in fds.values() if process_alive(pid))
    finally:
        for fd in fds:
            os.close(fd)


def children_of(pid: int) -> list[int]:
    """Live processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


@dataclass
class Server:
    """A running sshd: where it listens, the client key it accepts, its log."""

    port: int
    client_key: Path
    log: Path
    process: subprocess.Popen[bytes]

    def sessions(self) -> list[int]:
        """The per-connection sshd processes still running."""
        return children_of(self.process.pid)

    def log_text(self) -> str:
        """What sshd logged (for failure messages)."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def unusable(self) -> str | None:
        """Why this machine cannot serve a terminal session to this user, if sshd said so."""
        log = self.log_text()
        for sign, reason in UNUSABLE.items():
            if sign in log:
                return reason
        return None


# What sshd logs when the machine, not frontdesk, stops a test login
UNUSABLE = {
    "account is locked": "sshd refuses the current user: its account is locked (no password "
    "set); set one, or run the tests as another user",
    "chown(/dev/pts": "sshd, not run as root, cannot hand the terminal to the user: /dev/pts "
    "is mounted without gid=tty (the usual gid=5,mode=620)",
}


def _keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "frontdesk-e2e", "-f", str(path)],
        check=True,
        capture_output=True,
    )


def _config(folder: Path, port: int, command: str, env: dict[str, str]) -> str:
    user = pwd.getpwuid(os.getuid()).pw_name
    set_env = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
    return f"""\
Port {port}
ListenAddress 127.0.0.1
HostKey {folder}/host_ed25519
PidFile {folder}/sshd.pid
AuthorizedKeysFile {folder}/authorized_keys
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
AllowUsers {user}
PermitUserEnvironment no
Compression yes
ClientAliveInterval 15
ClientAliveCountMax 4
LogLevel VERBOSE

Match User {user}
    ForceCommand {command}
    SetEnv {set_env}
    PermitTTY yes
    AllowTcpForwarding no
    AllowStreamLocalForwarding no
    AllowAgentForwarding no
    X11Forwarding no
    PermitTunnel no
"""


@contextmanager
def sshd(folder: Path, command: str, env: dict[str, str]) -> Iterator[Server]:
    """Run sshd in ``folder`` with ``command`` forced for every login; stop it afterwards.

    Any per-connection process still running at the end is stopped too (by pid).
    """
    binary = find_sshd()
    assert binary is not None
    folder.mkdir(parents=True, exist_ok=True)
    _keygen(folder / "host_ed25519")
    _keygen(folder / "client_ed25519")
    (folder / "authorized_keys").write_bytes((folder / "client_ed25519.pub").read_bytes())
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    server = _start(binary, folder, command, env)
    try:
        yield server
    finally:
        for pid in server.sessions():
            _stop(pid)
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def _start(binary: str, folder: Path, command: str, env: dict[str, str]) -> Server:
    """Start sshd on a free port; another port if one was taken in between (parallel tests)."""
    config, log = folder / "sshd_config", folder / "sshd.log"
    for _ in range(3):
        port = free_port()
        config.write_text(_config(folder, port, command, env))
        test = [binary, "-t", "-f", str(config)]
        checked = subprocess.run(test, capture_output=True, check=False)
        assert checked.returncode == 0, f"sshd refused its config: {checked.stderr.decode()}"
        process = subprocess.Popen(
            [binary, "-D", "-f", str(config), "-E", str(log)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = Server(port, folder / "client_ed25519", log, process)
        if _wait_listening(server):
            return server
    raise AssertionError(f"sshd did not start:\n{server.log_text()}")


def _wait_listening(server: Server) -> bool:
    """Whether sshd accepts connections (``False``: it exited, e.g. the port was taken)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(1.0)
            if probe.connect_ex(("127.0.0.1", server.port)) == 0:
                return True
        select.select([], [], [], 0.05)  # the daemon's port to open: not app state
    server.process.kill()
    server.process.wait()
    return False


def _stop(pid: int) -> None:
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)


def stop_leftover(pid: int, marker: bytes) -> None:
    """SIGKILL ``pid`` if it is still running a command line containing ``marker``."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return
    if marker in cmdline and process_alive(pid):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


class Terminal:
    """``ssh`` in an 80x24 pseudo-terminal; what it shows is read through ``pyte``."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.master: int | None = master
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.ended = False

    def text(self) -> str:
        """The screen as it is now, one line per row."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    def pump(self, timeout: float) -> bool:
        """Read what arrived within ``timeout`` seconds and draw it; whether anything came."""
        if self.master is None or self.ended:
            return False
        ready, _, _ = select.select([self.master], [], [], max(timeout, 0.0))
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the ssh client closed its terminal
            data = b""
        if not data:
            self.ended = True
            return False
        self.stream.feed(data)
        return True

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        """Read until one of ``texts`` is on screen; returns it. Fails with the screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.text()
            for text in texts:
                if text in screen:
                    return text
            left = deadline - time.monotonic()
            if left <= 0 or self.ended:
                why = "the connection ended" if self.ended else f"not within {timeout} s"
                raise AssertionError(f"waited for {texts!r}: {why}; the screen:\n{screen}")
            self.pump(min(left, 0.5))

    def send(self, keys: str) -> None:
        """Type ``keys`` (escape sequences included) into the terminal."""
        assert self.master is not None
        os.write(self.master, keys.encode())

    def wait_exit(self, timeout: float) -> int | None:
        """Read on until the ssh client exits; its exit code, or ``None`` on timeout."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self.pump(0.2)
        return self.process.poll()

    def kill(self) -> None:
        """Drop the link: SIGKILL the ssh client (its TCP connection closes with it)."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def close(self) -> None:
        """Close the terminal; the ssh client, if still there, is killed."""
        self.kill()
        if self.master is not None:
            os.close(self.master)
            self.master = None


def ssh_argv(server: Server) -> list[str]:
    """The client command: the test key only, no config or known-hosts files read."""
    return [
        shutil.which("ssh") or "ssh",
        "-F",
        "/dev/null",
        "-tt",
        "-p",
        str(server.port),
        "-i",
        str(server.client_key),
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        "-o",
        "ConnectTimeout=10",
        "-C",
        "127.0.0.1",
    ]
