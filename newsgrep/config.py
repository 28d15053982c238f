"""Defaults for command-line options from TOML files, read in this order (a later one wins):

    ~/.config/newsgrep/config.toml        ($XDG_CONFIG_HOME/newsgrep/config.toml): yours
    .newsgrep.toml beside the index      in the folder that holds `.newsgrep` (the index this folder
                                          uses: $NEWSGREP_INDEX, else the nearest .newsgrep above)

Keys at the top apply to every command that has that option; a `[search]` (or any command's) table
to that command alone. Names are the long options' without dashes (`passage-chars` or
`passage_chars`); values as TOML writes them:

    color = "never"
    pager = false
    [search]
    limit = 20
    passages = 2

Options given on the command line win over both. A key no command has, or a file that is not valid
TOML, is an error naming the file.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from newsgrep.errors import NewsgrepError

PROJECT_FILE = ".newsgrep.toml"


class ConfigError(NewsgrepError):
    pass


def config_files() -> list[Path]:
    """The configuration files that exist, in the order they apply."""
    from newsgrep.store.layout import resolve_index_dir

    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "newsgrep" / "config.toml"
    found = [home] if home.is_file() else []
    beside = resolve_index_dir().parent / PROJECT_FILE
    if beside.is_file() and beside != home:
        found.append(beside)
    return found


def default_map(commands: dict[str, list[str]]) -> dict[str, dict]:
    """click's default_map for `commands` ({command name: its options' parameter names}) from the
    configuration files."""
    defaults: dict[str, dict] = {}
    for path in config_files():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read {path}: {exc}") from None
        for key, value in table.items():
            name = key.replace("-", "_")
            if isinstance(value, dict):
                if key not in commands:
                    raise ConfigError(f"{path}: [{key}]: no such command ({', '.join(sorted(commands))})")
                for option, setting in value.items():
                    param = option.replace("-", "_")
                    if param not in commands[key]:
                        raise ConfigError(f"{path}: [{key}] {option}: `newsgrep {key}` has no such option")
                    defaults.setdefault(key, {})[param] = setting
                continue
            takers = [command for command, params in commands.items() if name in params]
            if not takers:
                raise ConfigError(f"{path}: {key}: no command has such an option")
            for command in takers:
                defaults.setdefault(command, {})[name] = value
    return defaults
