"""Grading kernels in an operating-system sandbox (bubblewrap).

A submission runs arbitrary code. The audit hook of course/kernel_guard.py makes
the easy attacks fail with a clear message, but code in the kernel could still
read another grading kernel's connection file and drive that kernel over TCP.
So every grading kernel runs under ``bwrap`` (https://github.com/containers/bubblewrap):

- its own PID namespace: it sees only its own processes (no ``/proc/<pid>`` of
  another kernel, no signal can reach one);
- no network: its own network namespace with only a loopback; the grader talks to
  it over IPC transport (Unix sockets in a folder of its own, see ``kernel_dir``);
- its own IPC and UTS namespaces, a private ``/tmp``, a private ``/proc``, ``/dev``
  reduced to the null/zero/random devices;
- a file system made of read-only binds of exactly what the kernel needs (the
  system's ``/usr``, ``/etc``, the Python installation and the virtual environment,
  the ``dlkit`` package, the kernel launcher) and one writable folder, the kernel's
  own. No other student's work, no gradebook, no ``source/``, ``solutions/``,
  ``tests/``, ``.git/``, no home directory, not even the notebook being graded (it
  holds the hidden tests once nbgrader has restored them);
- environment variables from an allow-list (no tokens of the grading machine).

``bwrap --die-with-parent`` ends the kernel when the grader dies. Memory and CPU
time stay capped by ``prlimit`` around it (course/grade.py).

This file is also the kernel's launcher, run by path from the kernelspec (it must
start fast, so it imports only the standard library)::

    python -I -S course/sandbox.py SPEC.json -f CONNECTION_FILE

SPEC.json (written by :func:`write_spec`) holds the read-only binds, the
environment and the kernel command; the launcher adds the per-kernel part (the
connection file's folder, writable, and a fresh working folder inside it) and
replaces itself with bwrap.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

#: environment variables a grading kernel keeps (everything else is dropped)
ENV_KEEP = (
    "PATH",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "MPLBACKEND",
    "PYTHONHASHSEED",
    "PYTHONWARNINGS",
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "DLFS_GUARD_DENY",
)
ENV_PREFIXES = ("DLKIT_", "NBGRADER_", "JPY_SESSION")
#: inside the sandbox: a home, IPython's and matplotlib's state in the private /tmp
ENV_SET = {
    "HOME": "/tmp/home",  # empty: nothing of the grading machine's home
    "IPYTHONDIR": "/tmp/ipython",
    "MPLCONFIGDIR": "/tmp/matplotlib",
    "JUPYTER_RUNTIME_DIR": "/tmp/jupyter",
    # ipykernel polls its parent and exits when it is pid 1, which it is in a PID namespace
    "JPY_PARENT_PID": "1",
}
#: system folders bound read-only when they exist (merged-/usr systems have symlinks)
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
#: files under /etc that are bound to /dev/null (nothing a kernel needs, something to hide)
HIDDEN_FILES = ("/etc/shadow", "/etc/gshadow", "/etc/sudoers")
INSTALL_HINT = (
    "install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`, Fedora: "
    "`dnf install bubblewrap`; `make setup` does it where it runs as root)"
)


class SandboxUnavailable(RuntimeError):
    """Grading kernels cannot be sandboxed on this machine (the message says why and what to do)."""


def bwrap() -> str | None:
    return shutil.which("bwrap")


_PROBE: list = []


def unavailable() -> str | None:
    """Why grading kernels cannot be sandboxed here, or None when they can (probed once)."""
    if _PROBE:
        return _PROBE[0]
    exe = bwrap()
    reason = None
    if exe is None:
        reason = f"bubblewrap (bwrap) is not installed: {INSTALL_HINT}"
    else:
        probe = [exe, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--"]
        probe += ["/bin/sh", "-c", "exit 0"]
        try:
            run = subprocess.run(probe, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            reason = f"bwrap could not run ({exc})"
        else:
            if run.returncode != 0:
                reason = (
                    f"bwrap cannot create namespaces here ({run.stderr.strip()[:200]}): "
                    "grade on a machine (or VM) that allows user namespaces, e.g. "
                    "`sysctl kernel.unprivileged_userns_clone=1`, or run as root"
                )
    _PROBE.append(reason)
    return reason


def python_roots() -> list[str]:
    """Folders of the running Python that a kernel needs to read (installation, venv)."""
    prefixes = (
        sys.base_prefix,
        sys.prefix,
        sys.exec_prefix,
        os.path.dirname(os.path.dirname(sys.executable)),
    )
    # both spellings: a venv reached through a symlink is run by its symlinked path
    roots = {os.path.realpath(p) for p in prefixes} | {os.path.abspath(p) for p in prefixes}
    roots.add(os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))))
    return sorted(roots)


def package_dir(name: str) -> str:
    """The folder a package is imported from (found without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"{name} is not installed in this environment")
    return os.path.realpath(list(spec.submodule_search_locations)[0])


def write_spec(path, kernel_argv: list[str], read_only: list[str]) -> None:
    """The launcher's SPEC.json: bwrap, the read-only binds and the kernel's command."""
    exe = bwrap()
    if exe is None:
        raise RuntimeError(f"bubblewrap (bwrap) is not installed: {INSTALL_HINT}")
    dlkit = package_dir("dlkit")
    binds = [p for p in SYSTEM if os.path.lexists(p)]
    binds += [*python_roots(), dlkit, *read_only]
    spec = {
        "bwrap": exe,
        "read_only": list(dict.fromkeys(binds)),
        # the kernel imports dlkit from a folder that holds nothing else
        "pythonpath": os.path.dirname(dlkit),
        "hidden_files": [p for p in HIDDEN_FILES if os.path.exists(p)],
        "argv": kernel_argv,
    }
    with open(path, "w") as f:
        json.dump(spec, f, indent=1)


def kernel_env(environ, spec: dict) -> dict:
    env = {k: v for k, v in environ.items() if k in ENV_KEEP or k.startswith(ENV_PREFIXES)}
    env.update(ENV_SET)
    env["PYTHONPATH"] = spec["pythonpath"]
    return env


def bwrap_argv(spec: dict, connection_file: str, environ) -> list[str]:
    """The whole bwrap command line for one kernel whose connection file is given."""
    kernel_dir = os.path.dirname(os.path.realpath(connection_file))
    work = os.path.join(kernel_dir, "work")
    argv = [spec["bwrap"], "--unshare-all", "--die-with-parent", "--clearenv"]
    # the private /tmp first: binds below it (a checkout in /tmp, the kernel's folder) go on top
    argv += ["--tmpfs", "/tmp", "--dir", ENV_SET["HOME"]]
    for path in spec["read_only"]:
        if os.path.islink(path) and path.count("/") == 1:  # /bin -> usr/bin
            argv += ["--symlink", os.readlink(path), path]
        else:
            argv += ["--ro-bind", path, path]
    for path in spec.get("hidden_files", ()):
        argv += ["--ro-bind", "/dev/null", path]
    argv += ["--proc", "/proc", "--dev", "/dev"]
    argv += ["--bind", kernel_dir, kernel_dir, "--chdir", work]
    for key, value in kernel_env(environ, spec).items():
        argv += ["--setenv", key, value]
    argv += ["--", *spec["argv"], "-f", connection_file]
    return argv


def main(argv: list[str]) -> None:
    """Launcher: ``sandbox.py SPEC.json -f CONNECTION_FILE`` -> exec bwrap."""
    if len(argv) != 3 or argv[1] != "-f":
        sys.exit("usage: sandbox.py SPEC.json -f CONNECTION_FILE")
    with open(argv[0]) as f:
        spec = json.load(f)
    connection_file = os.path.realpath(argv[2])
    work = os.path.join(os.path.dirname(connection_file), "work")
    os.makedirs(work, exist_ok=True)
    # files that came with the submission (data beside the notebook), never the notebook:
    # once nbgrader has restored the test cells it holds the hidden tests
    for name in sorted(os.listdir(".")):
        if os.path.islink(name) or not os.path.isfile(name):
            continue
        if not name.endswith(".ipynb") and name != "timestamp.txt":
            if os.path.getsize(name) <= 50_000_000:
                shutil.copyfile(name, os.path.join(work, name))
    command = bwrap_argv(spec, connection_file, os.environ)
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
