#!/usr/bin/env python3
"""scripts/demo.sh with a stand-in cmake: what it builds and what the user sees.

Usage: test_demo.py SOURCE_DIR

The script is copied into a temporary tree with a stand-in scripts/setup.sh
and a stand-in `cmake` first on PATH, which records its arguments, prints
build progress as make does, and, before it finishes, waits until the test
has seen the progress on the terminal; its "build" leaves a build/memtui that
prints its arguments.  Checks, in a pseudo-terminal and through a pipe:
  * demo.sh builds the memtui target only;
  * the terminal shows what it does (configure, build) and the build's
    progress while the build runs, not a blank screen until it ends;
  * it then runs build/memtui on the sample capture;
  * a failing build exits non-zero and shows the compiler's error.
"""
import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ui"))
from uitest import Suite  # noqa: E402

S = Suite("demo_script")

STUB_CMAKE = r"""#!/bin/sh
echo "$*" >>"$STUB_LOG"
case $1 in
--build)
	echo "[ 10%] Building C object CMakeFiles/mt_base.dir/src/base/fmt.c.o"
	echo "src/base/fmt.c:1:1: note: a line that is not progress"
	echo "[ 50%] Built target mt_base"
	i=0
	while [ ! -e "$STUB_GO" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -n "${STUB_FAIL:-}" ]; then
		echo "src/cli/cli.c:7:3: error: stand-in failure"
		exit 2
	fi
	echo "[100%] Built target memtui"
	printf '#!/bin/sh\necho "stand-in memtui $*"\n' >build/memtui
	chmod +x build/memtui
	;;
*)
	mkdir -p build
	echo "-- Configuring done"
	;;
esac
"""


def tree(src, tmp):
    root = os.path.join(tmp, "src")
    os.makedirs(os.path.join(root, "scripts"))
    shutil.copy(os.path.join(src, "scripts", "demo.sh"), os.path.join(root, "scripts"))
    with open(os.path.join(root, "scripts", "setup.sh"), "w") as f:
        f.write("#!/bin/sh\nexit 0\n")
    os.chmod(os.path.join(root, "scripts", "setup.sh"), 0o755)
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir)
    with open(os.path.join(bindir, "cmake"), "w") as f:
        f.write(STUB_CMAKE)
    os.chmod(os.path.join(bindir, "cmake"), 0o755)
    return root, bindir


def env_for(tmp, bindir, fail=False):
    e = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"],
             STUB_LOG=os.path.join(tmp, "cmake.log"), STUB_GO=os.path.join(tmp, "go"),
             COLUMNS="100", LINES="30", TERM="xterm")
    if fail:
        e["STUB_FAIL"] = "1"
    for f in ("cmake.log", "go"):
        if os.path.exists(os.path.join(tmp, f)):
            os.remove(os.path.join(tmp, f))
    return e


def on_terminal(root, env):
    """Runs demo.sh on a pseudo-terminal; returns (output before the go, whole output, status)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve("/bin/sh", ["sh", os.path.join(root, "scripts", "demo.sh")], env)
    out, before = b"", None
    end = time.time() + 60
    while time.time() < end:
        if before is None and b"50%]" in out:
            before = out
            open(env["STUB_GO"], "w").close()
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            out += data
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return before, out.decode(errors="replace"), os.waitstatus_to_exitcode(status)


def main():
    src = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        root, bindir = tree(src, tmp)
        env = env_for(tmp, bindir)
        before, out, status = on_terminal(root, env)
        S.check("demo.sh on a terminal: exit", status, 0)
        calls = open(env["STUB_LOG"]).read().split("\n")
        builds = [c for c in calls if c.startswith("--build")]
        S.check("cmake --build runs once", len(builds), 1)
        S.true("builds the memtui target only", builds and builds[0].split()[:4] ==
               ["--build", "build", "--target", "memtui"], repr(builds))
        S.true("the terminal shows the build's progress while it runs", before is not None,
               repr(out))
        if before is not None:
            b = before.decode(errors="replace")
            S.true("says it configures", "configuring" in b, repr(b))
            S.true("says it builds memtui", "building memtui" in b, repr(b))
            S.true("shows the progress line", "[ 50%] Built target mt_base" in b, repr(b))
            S.true("keeps other build output off the terminal", "not progress" not in b,
                   repr(b))
        S.true("then opens the sample capture",
               "stand-in memtui sample-captures/memray/stages.bin" in out, repr(out))
        log = os.path.join(root, "build", "demo.log")
        S.true("the log has the whole build output",
               os.path.isfile(log) and "not progress" in open(log).read())

        # Through a pipe: the same steps, progress line by line.
        env = env_for(tmp, bindir)
        open(env["STUB_GO"], "w").close()
        p = subprocess.run(["sh", os.path.join(root, "scripts", "demo.sh")], env=env,
                           capture_output=True, timeout=60)
        lines = p.stdout.decode().split("\n")
        S.check("demo.sh in a pipe: exit", p.returncode, 0)
        S.true("in a pipe: progress lines", "[ 10%] Building C object "
               "CMakeFiles/mt_base.dir/src/base/fmt.c.o" in lines and
               "[100%] Built target memtui" in lines, repr(lines))

        # A failing build: non-zero, with the compiler's error shown.
        env = env_for(tmp, bindir, fail=True)
        open(env["STUB_GO"], "w").close()
        p = subprocess.run(["sh", os.path.join(root, "scripts", "demo.sh")], env=env,
                           capture_output=True, timeout=60)
        S.true("a failed build: exit non-zero", p.returncode != 0, str(p.returncode))
        S.true("a failed build: the error is shown",
               "error: stand-in failure" in p.stderr.decode(), repr(p.stderr))
        S.true("a failed build: no memtui run", "stand-in memtui" not in p.stdout.decode())
    return S.done()


if __name__ == "__main__":
    sys.exit(main())
