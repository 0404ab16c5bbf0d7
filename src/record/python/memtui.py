"""memtui: named stage markers for Python programs.

    import memtui

    memtui.stage("load")            # a stage that lasts until the next mark
    with memtui.stage("parse"):     # a stage, then back to the enclosing one
        ...

A mark goes where the program runs under a profiler memtui reads:

* under ``memtui record`` (the recorder is preloaded into the process and
  exports ``int memtui_record_mark(const char *name, int origin)``): the
  recorder is told the name, with origin 2 (memtui's Python module);
* under memray (``memray run``, or memray's Tracker API: ``memray`` is
  imported): the memray marker contract of memtui's docs/FORMAT.md, an
  allocation of 4096 bytes made inside a function whose code object has
  ``co_filename == "<memtui-stage>"`` and ``co_name ==`` the stage's name;
* otherwise nothing happens (one dictionary lookup and a lock).

A ``with`` block marks its start, and on exit the return to the enclosing
stage: a mark named after the stage that was running when the block began
(the last mark made before it: an enclosing block's, or a plain
``stage()``'s), or ``"after NAME"`` when no stage was running.  The open
stages are one stack for the whole process (a profiler's marks are one
sequence), guarded by a lock, so threads may mark; blocks should then nest
across threads.

One file, the standard library only, Python 3.8 and later.
"""

import ctypes
import sys
import threading

__all__ = ["stage", "open_stages", "MARKER_FILE", "MARKER_BYTES"]
__version__ = "1.0"

MARKER_FILE = "<memtui-stage>"  # co_filename of a marker's code object (the contract)
MARKER_BYTES = 4096  # a marker's allocation: large enough for pymalloc to pass it to malloc
ORIGIN_PYTHON_API = 2  # enum mark_origin's MARK_PYTHON_API

_lock = threading.RLock()
_open = []  # the open `with` stages (_Stage), outermost first
_current = [None]  # the stage running now: the name of the last mark made
_markers = {}  # name -> marker function (one code object per name)
_recorder = []  # [] not looked up yet; [None] no recorder; [function] the recorder's


def _recorder_mark():
    """The recorder's memtui_record_mark, or None; looked up once."""
    if not _recorder:
        fn = None
        try:
            fn = ctypes.CDLL(None).memtui_record_mark
            fn.argtypes = (ctypes.c_char_p, ctypes.c_int)
            fn.restype = ctypes.c_int
        except (AttributeError, OSError, TypeError):
            fn = None
        _recorder.append(fn)
    return _recorder[0]


_MARKER_SOURCE = "def marker():\n    len(bytearray(%d))\n" % MARKER_BYTES


def _marker(name):
    """The function whose call is a marker named name: its code is named name, in MARKER_FILE."""
    fn = _markers.get(name)
    if fn is None:
        ns = {}
        exec(compile(_MARKER_SOURCE, MARKER_FILE, "exec"), ns)
        fn = ns["marker"]
        fn.__code__ = fn.__code__.replace(co_name=name)
        _markers[name] = fn
    return fn


def _mark(name):
    """Marks the start of stage name for whichever profiler is there."""
    rec = _recorder_mark()
    if rec is not None:
        rec(name.encode("utf-8", "backslashreplace"), ORIGIN_PYTHON_API)
    elif "memray" in sys.modules:
        _marker(name)()


class _Stage:
    """What stage() returns: usable as a `with` block (the mark is already made)."""

    __slots__ = ("name", "back")

    def __init__(self, name, back):
        self.name = name
        self.back = back  # the stage to return to; None: "after NAME"

    def __enter__(self):
        with _lock:
            _open.append(self)
        return self

    def __exit__(self, *exc):
        with _lock:
            for k in range(len(_open) - 1, -1, -1):
                if _open[k] is self:
                    del _open[k]
                    break
            back = self.back if self.back is not None else "after " + self.name
            _current[0] = back
            _mark(back)
        return False

    def __repr__(self):
        return "memtui.stage(%r)" % self.name


def stage(name):
    """Marks the start of stage name, which lasts until the next mark.

    Used as ``with memtui.stage(name):``, the block is the stage, and its end
    marks the return to the stage that was running when it started (see the
    module's docstring).  name is any string.
    """
    if not isinstance(name, str):
        raise TypeError("memtui.stage: the name must be a str, not %s" % type(name).__name__)
    with _lock:
        back = _current[0]
        _current[0] = name
        _mark(name)
    return _Stage(name, back)


def open_stages():
    """The names of the open `with` stages, outermost first."""
    with _lock:
        return [s.name for s in _open]
