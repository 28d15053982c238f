"""The documentation keeps up with the command line (as sqlite-utils' tests/test_docs.py): the README
names every command and every option, every option says what it does, every help fits 80 columns, the
man pages generate, shell completion works, and a config file sets defaults."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import click
import pytest

from newsgrep.cli import load_commands
from tests.conftest import REPO, run_cli
from tests.newsroom import invoke

COMMANDS = load_commands().commands
README = (REPO / "README.md").read_text()


SUBCOMMANDS = {  # a group's commands (`newsgrep alert add`) as "alert add"
    f"{name} {sub}": command
    for name, group in COMMANDS.items()
    if isinstance(group, click.Group)
    for sub, command in group.commands.items()
}


@pytest.mark.parametrize("name", sorted({**COMMANDS, **SUBCOMMANDS}))
def test_readme_documents_every_command_and_option(name):
    assert f"newsgrep {name}" in README, f"README does not document `newsgrep {name}`"
    for param in {**COMMANDS, **SUBCOMMANDS}[name].params:
        if isinstance(param, click.Option):
            for flag in param.opts + param.secondary_opts:
                if flag.startswith("--") and flag != "--help":
                    assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", README), (
                        f"README does not document `newsgrep {name} {flag}`"
                    )


def test_every_option_is_described_and_every_help_fits_80_columns():
    for name, command in {**COMMANDS, **SUBCOMMANDS}.items():
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"`newsgrep {name} {param.opts[0]}` has no description"
    # Each command's --help as the real program prints it on a terminal 200 columns wide (one process
    # for all of them; click's test runner forces its own width, so it cannot show this).
    script = (
        "import sys; from newsgrep.cli import load_commands; cli = load_commands()\n"
        "for args in [[], *[[name] for name in sorted(cli.commands)]]:\n"
        "    print('=== ' + ' '.join(args))\n"
        "    try:\n"
        "        cli.main([*args, '--help'], prog_name='newsgrep')\n"
        "    except SystemExit:\n"
        "        pass\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}
    )
    assert shown.returncode == 0, shown.stderr
    helps = shown.stdout.split("=== ")[1:]
    assert len(helps) == len(COMMANDS) + 1
    for text in helps:
        name = text.splitlines()[0] or "newsgrep"
        assert max(len(line) for line in text.splitlines()) <= 80, f"`{name} --help` is wider than 80 columns"


def test_man_pages_are_generated_from_the_commands(tmp_path):
    pytest.importorskip("click_man")
    done = subprocess.run(
        [sys.executable, "-m", "newsgrep.cli.manpages", str(tmp_path)], capture_output=True, text=True, cwd=REPO
    )
    assert done.returncode == 0, done.stderr
    pages = {path.name for path in tmp_path.glob("*.1")}
    commands = [*COMMANDS, *(name.replace(" ", "-") for name in SUBCOMMANDS)]
    assert pages == {"newsgrep.1", *(f"newsgrep-{name}.1" for name in commands)}
    search = (tmp_path / "newsgrep-search.1").read_text()
    assert "files\\-with\\-matches" in search or "files-with-matches" in search


def test_shell_completion_is_click_s(tmp_path):
    script = run_cli(env={"_NEWSGREP_COMPLETE": "bash_source"})  # what a shell's start-up file runs
    assert script.returncode == 0 and "_newsgrep_completion" in script.stdout
    words = invoke(env={"_NEWSGREP_COMPLETE": "bash_complete", "COMP_WORDS": "newsgrep se", "COMP_CWORD": "1"})
    assert "plain,search" in words.stdout.splitlines()
    options = invoke(
        env={"_NEWSGREP_COMPLETE": "zsh_complete", "COMP_WORDS": "newsgrep search --files", "COMP_CWORD": "2"}
    )
    assert "--files-with-matches" in options.stdout


def test_config_files_set_defaults_and_the_command_line_wins(built, tmp_path):
    home = tmp_path / "home"
    (home / "newsgrep").mkdir(parents=True)
    (home / "newsgrep" / "config.toml").write_text('color = "never"\n[search]\nlimit = 1\npassage-chars = 60\n')
    env = {"XDG_CONFIG_HOME": str(home), "NEWSGREP_INDEX": str(built)}
    one = run_cli("search", "cartel", "--json", "--no-collapse", env=env)
    assert one.returncode == 0 and len(one.stdout.splitlines()) == 2  # one hit, then the summary
    assert len(run_cli("search", "cartel", "--json", "--no-collapse", "-n", "2", env=env).stdout.splitlines()) == 3
    (built.parent / ".newsgrep.toml").write_text("[search]\nlimit = 2\n")  # beside the index: wins over yours
    env_beside = {"XDG_CONFIG_HOME": str(home)}
    os.symlink(built, built.parent / ".newsgrep")
    try:
        beside = run_cli("search", "cartel", "--json", "--no-collapse", env=env_beside, cwd=built.parent)
        assert len(beside.stdout.splitlines()) == 3
    finally:
        os.unlink(built.parent / ".newsgrep")
    (home / "newsgrep" / "config.toml").write_text("[search]\nlimits = 3\n")
    bad = run_cli("search", "cartel", env=env)
    assert bad.returncode == 2 and "has no such option" in bad.stderr and bad.stderr.count("\n") == 1
