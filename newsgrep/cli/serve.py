"""`newsgrep serve`: a web page for reading what the search finds, on this machine."""

from __future__ import annotations

import click

from newsgrep.cli import cli, index_option


@cli.command("serve")
@index_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but loopback lets others on the network reach the page: "
    "a token is then required.",
)
@click.option(
    "--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on (0: any free)."
)
@click.option(
    "--token",
    envvar="NEWSGREP_TOKEN",
    metavar="TOKEN",
    help="Require this token (default: none on loopback; one is made up when --host is not loopback). "
    "Also read from $NEWSGREP_TOKEN.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the web browser.")
def serve_command(index_dir, host, port, token, open_browser):
    """Serve a page for searching and reading the index in a web browser, on http://127.0.0.1:8765/.

    The page takes the query syntax and options of `newsgrep search`, shows the
    ranked stories with their passages, the query's timeline and counts per
    source (click a bar to narrow), and each article as indexed with similar
    stories. It only reads: the index, and the indexed files under the index's
    roots. New commits (`newsgrep index`, `watch`) show without a restart.
    Ctrl-C stops.
    """
    from newsgrep.render.text import display_path
    from newsgrep.web.server import access, start

    loopback, token = access(host, token)
    if not loopback:
        click.echo(
            f"newsgrep: warning: serving on {host}, beyond this machine: anyone who can reach it and has the "
            "token can read every indexed article",
            err=True,
        )
    server = start(index_dir, host=host, port=port, token=token)
    click.echo(f"newsgrep: serving {display_path(str(server.index))} ({server.articles:,} articles) on", err=True)
    click.echo(server.url)
    click.echo("newsgrep: Ctrl-C stops it", err=True)
    if open_browser:
        import webbrowser

        if not webbrowser.open(server.url):
            click.echo("newsgrep: found no web browser to open: open the address above", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
