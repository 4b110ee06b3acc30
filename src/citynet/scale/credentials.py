"""Where ``push`` and ``query --endpoint`` get a password: a file, the environment or a
prompt, never the command line (which every user of the machine sees in ``ps``, and which
the shell keeps in its history).

In this order: ``--password-file FILE`` (its first line; ``-`` for standard input), then
``CITYNET_PASSWORD``, then the password in the endpoint URL (``http://user:password@host/…``,
never shown in messages), then a prompt that does not echo, when standard input is a terminal.
"""

from __future__ import annotations

import getpass
import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from citynet.errors import InputError

ON_COMMAND_LINE = ("--password is not accepted: a password on the command line is visible to every user of "
                   "this machine (ps, /proc) and stays in the shell's history")
WAYS = ("give it in a file (--password-file FILE, or --password-file - to read standard input), in the "
        "CITYNET_PASSWORD environment variable, or run in a terminal without either to be asked for it")


def password_for(user: str | None, endpoint: str, *, file: Path | None, given_on_command_line: bool,
                 environ: Mapping[str, str] | None = None, stdin: TextIO | None = None,
                 endpoint_has_password: bool = False) -> str | None:
    """The password to send for ``user`` at ``endpoint`` (its password masked), or None where
    none is needed or the endpoint URL holds it. Raises InputError for ``--password``, an
    unreadable file, or a user without any password (where there is no terminal to ask on)."""
    environ = os.environ if environ is None else environ
    stdin = sys.stdin if stdin is None else stdin
    if given_on_command_line:
        raise InputError(ON_COMMAND_LINE, hint=WAYS)
    if file is not None:
        if user is None and not endpoint_has_password:
            raise InputError("--password-file needs --user", hint="e.g. --user alice --password-file ~/.store-password")
        return read_password_file(file, stdin)
    if user is None:
        return None
    if environ.get("CITYNET_PASSWORD") is not None:
        return environ["CITYNET_PASSWORD"]
    if endpoint_has_password:
        return None
    if stdin.isatty():
        try:
            return getpass.getpass(f"Password for {user} at {endpoint}: ")
        except EOFError:
            raise InputError(f"no password was given for {user}", hint=WAYS) from None
    raise InputError(f"no password for {user} at {endpoint}, and no terminal to ask for it on", hint=WAYS)


def read_password_file(path: Path, stdin: TextIO) -> str:
    """The first line of ``path`` (``-``: standard input), without its line ending. Warns
    when other users may read the file."""
    try:
        text = stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise InputError(f"cannot read the password file: {reason}", path=path) from None
    if str(path) != "-":
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            print(f"citynet: warning: {path}: other users may read this password file (mode {mode:04o}); "
                  f"`chmod 600 {path}` keeps it yours", file=sys.stderr)
    lines = text.splitlines()
    return lines[0] if lines else ""
