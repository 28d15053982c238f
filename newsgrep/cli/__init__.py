"""The `newsgrep` command group: options in, the Python API called, printers out; no logic of its own.

Exit codes, as grep and ripgrep: 0 found, 1 nothing found, 2 error. Errors are one line on stderr.
"""

from __future__ import annotations

import os
import sys

import click

from newsgrep import __version__

EXIT_ERROR = 2


class NewsgrepGroup(click.Group):
    """Turns newsgrep's errors into one line on stderr and exit code 2."""

    def invoke(self, ctx):
        from newsgrep.errors import NewsgrepError

        try:
            return super().invoke(ctx)
        except NewsgrepError as exc:
            fail(str(exc))
        except BrokenPipeError:  # `newsgrep search ... | head`: the reader has all it wanted
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(0)
        except KeyboardInterrupt:
            click.echo("newsgrep: interrupted", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("NEWSGREP_DEBUG"):
                raise
            from newsgrep.errors import storage_problem

            if storage_problem(exc):  # a full disk, a read-only folder: the user's to fix, no internal error
                fail(storage_problem(exc) or "")
            fail(f"internal error: {type(exc).__name__}: {exc} (set NEWSGREP_DEBUG=1 for the traceback)")


def fail(message: str) -> None:
    click.echo(f"newsgrep: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


index_option = click.option(
    "--index",
    "index_dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Index directory (default: $NEWSGREP_INDEX, else the nearest .newsgrep here or above, else ./.newsgrep).",
)
color_option = click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the matches (auto: on a terminal, unless NO_COLOR is set).",
)
pager_option = click.option(
    "--pager/--no-pager",
    default=True,
    show_default=True,
    help="On a terminal, page output taller than it ($NEWSGREP_PAGER, $PAGER, else less -FRX).",
)


def printer(as_json: bool = False, color: str = "never", **human):
    """The printer a command's options ask for (newsgrep.render), wrapping at the terminal's width."""
    from newsgrep.render import printer as make_printer
    from newsgrep.render.text import terminal_width, use_color

    return make_printer(as_json, use_color(color, sys.stdout), width=terminal_width(sys.stdout), **human)


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 80}


@click.group(cls=NewsgrepGroup, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="newsgrep")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Search folders of news articles: ranked passages, highlighted matches, incremental reindexing.

    \b
      newsgrep index corpus/            build or update the index
      newsgrep search 'drug cartel'     ranked passages, matches highlighted
      newsgrep search mourinho news/    ... in the articles under news/
      newsgrep stats                    what is indexed

    Defaults for options come from ~/.config/newsgrep/config.toml and a
    .newsgrep.toml beside the index. Shell completion:
    eval "$(_NEWSGREP_COMPLETE=bash_source newsgrep)" (zsh_source, fish_source).
    """
    from newsgrep.config import default_map

    commands = {
        name: [p.name for p in command.params if p.name and isinstance(p, click.Option)]
        for name, command in cli.commands.items()
    }
    ctx.default_map = default_map(commands)


def load_commands() -> click.Group:
    """The group with every command registered (each command module adds itself on import)."""
    from newsgrep.cli import (  # noqa: F401
        alert,
        check,
        eval,
        index,
        roots,
        search,
        serve,
        show,
        similar,
        stats,
        timeline,
        watch,
    )

    return cli


def main() -> None:
    from newsgrep.store.whoosh_internals import trim_whoosh_imports

    trim_whoosh_imports()
    load_commands().main(prog_name="newsgrep")
