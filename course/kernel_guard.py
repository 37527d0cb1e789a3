"""Launcher of a grading kernel: ipykernel behind an audit hook and a snapshot of dlkit.

Run by path (``python course/kernel_guard.py -f CONNECTION_FILE``) from the grading
kernelspec, so it imports nothing from the course package. Before the kernel starts
it

- imports dlkit's non-plotting modules, numpy and builtins and keeps a copy of their
  namespaces: ``_dlfs_guard.restore()`` puts back anything a submission replaced
  (``dlkit.checks.check_close = lambda *a, **k: None``); the grader calls it before
  every test cell;
- installs an audit hook (``sys.addaudithook``, which cannot be removed) that refuses
  to open anything under the folders listed in ``DLFS_GUARD_DENY`` (the instructor's
  source notebooks, the gradebooks, other students' work) except the kernel's own
  working folder, to open another process's ``/proc/<pid>``, and, once the kernel
  runs, to start processes, load native libraries through ctypes, open Python
  sockets or send signals to other processes. Each refusal says "blocked by the
  grader", which the grader turns into a note on the grade.

This raises the bar, it is not a sandbox: code in the kernel can still reach the
snapshot itself, and C code does not raise audit events. The operating system's
sandbox (course/sandbox.py) is what isolates a kernel; this guard makes the common
attempts fail loudly and keeps dlkit.checks honest. The grader also ends every
notebook with a canary check that must fail; if it passes, the submission is flagged
(see course/preprocessors.py).
"""

import builtins
import os
import sys
import types

DENY_ENV = "DLFS_GUARD_DENY"
# every dlkit module is snapshotted except the drawing ones: they import matplotlib and
# ipywidgets (slow at kernel start), and no check runs through them
_UNWATCHED = ("plot", "widgets")
_BLOCKED_EVENTS = frozenset(
    {
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
        "os.forkpty",
        "pty.spawn",
        "ctypes.dlopen",
        "ctypes.dlsym",
        "ctypes.call_function",
    }
)
#: the kernel talks to the grader through zmq (C code, no audit event): a Python socket
#: opened by a submission is always an attempt to reach something else
_NETWORK_EVENTS = frozenset({"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"})
_SIGNAL_EVENTS = frozenset({"os.kill", "os.killpg"})
_SKIP_WALK = frozenset({"autograded", "feedback", "results", "incoming", "jupyter", "objects"})
_PROC_OK = frozenset({"stat", "status", "cmdline", "statm", "comm"})
_PATH_EVENTS = frozenset(
    {"open", "os.listdir", "os.scandir", "sqlite3.connect", "shutil.copyfile", "os.link"}
)


def _deny_roots():
    roots = [p for p in os.environ.get(DENY_ENV, "").split(os.pathsep) if p]
    return tuple(os.path.realpath(p) for p in roots)


def _inodes(roots):
    """(device, inode) of every file under the denied folders: catches hard links to them."""
    found = set()
    for root in roots:
        if os.path.isfile(root):
            st = os.stat(root)
            found.add((st.st_dev, st.st_ino))
            continue
        for folder, subfolders, files in os.walk(root):
            # outputs and copies: many files, no secret the prefix rule does not cover
            subfolders[:] = [d for d in subfolders if d not in _SKIP_WALK]
            for name in files:
                try:
                    st = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                found.add((st.st_dev, st.st_ino))
    return found


def _make_hook(roots, inodes, allowed, own_pid):
    armed = [False]
    proc_prefix = "/proc/"

    def refuse(what):
        raise PermissionError(f"blocked by the grader: {what}")

    def check_path(path):
        if isinstance(path, int) or path is None:
            return
        try:
            path = os.fsdecode(path)
        except TypeError:
            return
        real = os.path.realpath(path)
        if real.startswith(proc_prefix):
            parts = real[len(proc_prefix) :].split("/")
            # ipykernel lists its children through /proc/<pid>/stat: allow such summaries
            if parts[0].isdigit() and int(parts[0]) != own_pid and parts[-1] not in _PROC_OK:
                refuse(f"reading {path}")
        if not real.startswith(allowed):
            for root in roots:
                if real == root or real.startswith(root + os.sep):
                    refuse(f"reading {path}")
        if inodes:
            try:
                st = os.stat(real)
            except OSError:
                return
            if (st.st_dev, st.st_ino) in inodes and not real.startswith(allowed):
                refuse(f"reading {path}")

    def hook(event, args):
        if event in _PATH_EVENTS:
            if args:
                check_path(args[0])
            if event in ("shutil.copyfile", "os.link") and len(args) > 1:
                check_path(args[0])
        elif not armed[0]:
            return
        elif event in _BLOCKED_EVENTS:
            refuse(event)
        elif event in _NETWORK_EVENTS:
            refuse(f"{event} to {args[1] if len(args) > 1 else '?'}")
        elif event in _SIGNAL_EVENTS and args:
            # ipykernel interrupts itself (os.kill(own pid), os.killpg(own group))
            mine = own_pid if event == "os.kill" else os.getpgid(0)
            if args[0] != mine:
                refuse(f"{event}({args[0]}, ...): signals to other processes")

    return hook, armed


def _snapshot():
    import numpy

    import dlkit

    modules = {"dlkit": dlkit, "numpy": numpy}
    for name in (n for n in dlkit.__all__ if n not in _UNWATCHED):
        try:
            modules[f"dlkit.{name}"] = __import__(f"dlkit.{name}", fromlist=["_"])
        except Exception:  # a module that cannot load fails in the notebook, not here
            continue
    saved = {name: (mod, dict(vars(mod))) for name, mod in modules.items()}
    # IPython swaps exit/quit/display/_ in and out around every cell: not ours to restore
    # (ipykernel swaps input in for every request)
    skip = {"_", "exit", "quit", "help", "copyright", "credits", "license", "display", "input"}
    saved["builtins"] = (builtins, {k: v for k, v in vars(builtins).items() if k not in skip})
    return saved


def _make_restore(saved):
    def restore(user_ns=None):
        """Put back every name a submission replaced or deleted; return what was changed."""
        changed = []
        for name, (module, names) in saved.items():
            if name != "builtins" and sys.modules.get(name) is not module:
                sys.modules[name] = module
                changed.append(name)
            current = vars(module)
            for key, value in names.items():
                if current.get(key, _MISSING) is not value:
                    current[key] = value
                    changed.append(f"{name}.{key}")
        if user_ns is not None:
            for key, name in (("np", "numpy"), ("dlkit", "dlkit"), ("checks", "dlkit.checks")):
                if key in user_ns and user_ns[key] is not saved[name][0]:
                    user_ns[key] = saved[name][0]
                    changed.append(key)
        return changed

    return restore


_MISSING = object()


def main():
    if sys.path and (sys.path[0] in ("", os.path.dirname(os.path.abspath(__file__)))):
        sys.path[0] = os.getcwd()  # as `python -m ipykernel_launcher` would have it
    saved = _snapshot()
    roots = _deny_roots()
    cwd = os.path.realpath(os.getcwd())
    hook, armed = _make_hook(roots, _inodes(roots), cwd + os.sep, os.getpid())
    sys.addaudithook(hook)
    guard = types.ModuleType("_dlfs_guard")
    guard.restore = _make_restore(saved)
    sys.modules["_dlfs_guard"] = guard

    from ipykernel import kernelapp

    app = kernelapp.IPKernelApp.instance()
    app.initialize()
    armed[0] = True  # from here on, only the submission's code and the tests run
    app.start()


if __name__ == "__main__":
    main()
