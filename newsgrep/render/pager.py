"""A pager for output taller than the terminal, as git does it: on a terminal only, through
$NEWSGREP_PAGER, else $PAGER, else `less`, with LESS=FRX when LESS is not set (quit if one screen,
colours, no screen clearing). Output that fits is written as it is."""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import shutil
import subprocess
import sys


def pager_command() -> str | None:
    """The pager to run, or None ("" or "cat" asks for none)."""
    command = os.environ.get("NEWSGREP_PAGER")
    if command is None:
        command = os.environ.get("PAGER")
    if command is None:
        command = "less"
    command = command.strip()
    if not command or command == "cat":
        return None
    try:
        program = shlex.split(command)[0]
    except (ValueError, IndexError):
        return None
    return command if shutil.which(program) else None


@contextlib.contextmanager
def paged(enabled: bool = True):
    """Collects what is printed inside (to sys.stdout) and, when stdout is a terminal and it is taller
    than the terminal, shows it through the pager; otherwise writes it as it is."""
    stdout = sys.stdout
    command = pager_command() if enabled and stdout.isatty() else None
    if command is None:
        yield
        return
    buffer = io.StringIO()
    sys.stdout = buffer
    try:
        yield
    except BaseException:
        sys.stdout = stdout
        stdout.write(buffer.getvalue())
        raise
    finally:
        sys.stdout = stdout
    text = buffer.getvalue()
    if text.count("\n") < shutil.get_terminal_size().lines:
        stdout.write(text)
        stdout.flush()
        return
    _page(command, text)


def _page(command: str, text: str) -> None:
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    sys.stdout.flush()
    process = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    assert process.stdin is not None
    try:
        process.stdin.write(text.encode("utf-8", "replace"))
        process.stdin.close()
    except BrokenPipeError:  # the reader quit the pager before the end
        pass
    while True:
        try:
            process.wait()
            return
        except KeyboardInterrupt:  # Ctrl-C is the pager's (less stops its search on it)
            continue
