"""course/sandbox.py: what a grading kernel can see and reach, checked from inside one.

The unit tests read the bwrap command line; the kernel tests start the real grading
kernelspec (prlimit, bubblewrap, the guard) over IPC and look around from inside it.
bubblewrap is required (``make setup`` installs it): without it these tests fail and
say how to install it, as ``python -m course autograde`` does.
"""

import json
import os
import tempfile
import time

import pytest

from course import sandbox
from course.config import ROOT
from course.grade import install_grader_kernel, require_sandbox

SECRET = "DLFS_TEST_SECRET_TOKEN"


def _spec(tmp_path):
    sandbox.write_spec(tmp_path / "spec.json", ["python", "-m", "ipykernel_launcher"], [])
    return json.loads((tmp_path / "spec.json").read_text())


def test_the_command_line_isolates_and_binds_only_what_the_kernel_needs(tmp_path):
    if sandbox.bwrap() is None:
        pytest.fail(sandbox.unavailable())
    spec = _spec(tmp_path)
    conn = tmp_path / "k" / "kernel.json"
    argv = sandbox.bwrap_argv(spec, str(conn), {"PATH": "/usr/bin", SECRET: "x", "HOME": "/root"})
    for flag in ("--unshare-all", "--die-with-parent", "--clearenv"):
        assert flag in argv
    binds = [argv[i + 1] for i, a in enumerate(argv) if a in ("--bind", "--ro-bind")]
    writable = [argv[i + 1] for i, a in enumerate(argv) if a == "--bind"]
    assert writable == [str(conn.parent.resolve())]
    assert str(ROOT) not in binds and str(ROOT / "dlkit") in binds
    for private in ("source", "solutions", "tests", ".git", "grading"):
        assert not any(
            b == str(ROOT / private) or b.startswith(f"{ROOT / private}/") for b in binds
        )
    env = {argv[i + 1]: argv[i + 2] for i, a in enumerate(argv) if a == "--setenv"}
    assert SECRET not in env and env["PATH"] == "/usr/bin" and env["HOME"] == "/tmp/home"
    assert argv[argv.index("--chdir") + 1] == str(conn.parent.resolve() / "work")
    # a checkout or a venv under /tmp stays visible: the private /tmp is mounted before the binds
    first_bind = argv.index("--ro-bind")
    assert argv.index("--tmpfs") < first_bind and argv[argv.index("--tmpfs") + 1] == "/tmp"
    assert argv.count("--tmpfs") == 1


def test_unavailable_says_how_to_fix_it(monkeypatch):
    monkeypatch.setattr(sandbox, "_PROBE", [])
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    assert "apt-get install bubblewrap" in sandbox.unavailable()
    with pytest.raises(sandbox.SandboxUnavailable, match="--no-sandbox"):
        require_sandbox(True)
    said = []
    require_sandbox(False, said.append)
    assert "WITHOUT the OS sandbox" in said[0]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """A grading kernel started exactly as the grader starts it."""
    reason = sandbox.unavailable()
    if reason:
        pytest.fail(f"{reason} (or set up with `make setup`)")
    from jupyter_client import KernelManager

    spec_dir = tmp_path_factory.mktemp("spec")
    name = install_grader_kernel(spec_dir, sandbox=True)
    kernel_dir = tmp_path_factory.mktemp("k")
    os.environ[SECRET] = "hunter2"
    km = KernelManager(
        kernel_name=name,
        transport="ipc",
        ip=str(kernel_dir / "ipc"),
        connection_file=str(kernel_dir / "kernel.json"),
    )
    km.start_kernel(cwd=str(spec_dir))
    client = km.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    client.kernel_dir = kernel_dir.resolve()
    yield km, client
    client.stop_channels()
    km.shutdown_kernel(now=True)
    os.environ.pop(SECRET, None)


def _run(client, code, timeout=30):
    out = []

    def hook(msg):
        content = msg["content"]
        if msg["msg_type"] == "stream":
            out.append(content["text"])
        elif msg["msg_type"] == "error":
            out.append(f"{content['ename']}: {content['evalue']}")

    reply = client.execute_interactive(code, output_hook=hook, timeout=timeout)
    return "".join(out), reply["content"]["status"]


def _value(client, expression):
    out, status = _run(client, f"import json, os\nprint(json.dumps({expression}))")
    assert status == "ok", out
    return json.loads(out)


def test_the_kernel_sees_only_its_own_processes_and_folders(kernel):
    _, client = kernel
    assert _value(client, "sorted(p for p in os.listdir('/proc') if p.isdigit())") in (
        ["1", "2"],
        ["1", "2", "3"],
    )
    assert _value(client, "os.getcwd()") == str(client.kernel_dir / "work")
    root = _value(client, f"sorted(os.listdir({str(ROOT)!r}))")
    assert set(root) <= {"dlkit", "course", ".venv"}, root
    assert _value(client, f"sorted(os.listdir({str(ROOT / 'course')!r}))") == ["kernel_guard.py"]
    assert _value(client, "os.path.expanduser('~')") == "/tmp/home"
    assert _value(client, "os.listdir(os.path.expanduser('~'))") == []
    with tempfile.NamedTemporaryFile(dir="/tmp") as outside:  # the machine's /tmp
        assert _value(client, f"os.path.exists({outside.name!r})") is False


def test_the_kernel_has_no_network_and_no_secrets(kernel):
    _, client = kernel
    interfaces = "[line.split(':')[0].strip() for line in open('/proc/net/dev').readlines()[2:]]"
    assert _value(client, interfaces) == ["lo"]
    assert _value(client, f"os.environ.get({SECRET!r})") is None
    out, status = _run(
        client,
        "import socket\ns = socket.socket()\ns.settimeout(1)\ns.connect(('127.0.0.1', 22))",
    )
    assert status == "error" and "blocked by the grader" in out, out


def test_the_kernel_writes_only_its_own_folder(kernel):
    _, client = kernel
    for path in ("/usr/dlfs_probe", f"{ROOT}/dlkit/dlfs_probe", "/etc/dlfs_probe"):
        out, status = _run(client, f"open({path!r}, 'w').write('x')")
        assert status == "error" and ("Read-only" in out or "blocked" in out), (path, out)
    out, status = _run(client, "open('scratch.txt', 'w').write('mine')")
    assert status == "ok", out
    assert (client.kernel_dir / "work" / "scratch.txt").read_text() == "mine"


def test_the_kernel_can_be_interrupted(kernel):
    km, client = kernel
    # stop_on_error=False as nbgrader's executor sends it (allow_errors): else ipykernel
    # aborts the requests that reach it just after the KeyboardInterrupt, the next one too
    msg_id = client.execute(
        "import time\nprint('looping', flush=True)\nwhile True:\n    time.sleep(0.01)",
        stop_on_error=False,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # interrupt only once the loop runs (a busy machine is slow)
        msg = client.get_iopub_msg(timeout=60)
        if msg["msg_type"] == "stream" and "looping" in msg["content"]["text"]:
            break
    km.interrupt_kernel()  # what nbclient does at the cell time limit
    reply = client.get_shell_msg(timeout=30)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert _value(client, "1 + 1") == 2


@pytest.mark.slow
@pytest.mark.xdist_group("autograde")
def test_grade_one_grades_in_the_same_sandbox(tmp_path):
    """The per-student command (cluster job arrays run it) isolates its kernel too."""
    import subprocess
    import sys

    from fixtures.submissions import FIRST, reach_out

    from course import notebooks
    from course.grade import collect, prepare

    workdir = tmp_path / "grading"
    notebooks.write(reach_out(workdir, seconds=1), tmp_path / "subs" / "eve" / FIRST.notebook)
    collect(tmp_path / "subs", workdir, log=lambda *_: None)
    prepare(workdir)
    submitted = workdir / "submitted" / "eve" / FIRST.id / FIRST.notebook
    out = tmp_path / "out"
    command = [sys.executable, "-m", "course", "grade-one", FIRST.id, "eve", str(submitted)]
    command += ["--out", str(out), "--workdir", str(workdir), "--no-feedback"]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads((out / "result.json").read_text())
    assert result["status"] == "graded" and result["score"] == FIRST.points, result
    assert any("blocked" in note for note in result["notes"]), result
    nb = notebooks.read(out / FIRST.notebook)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert '"pids": ["1"]' in printed, printed[-2000:]
