"""`newsgrep serve`: a local web page over the Searcher. `server` binds and runs it (waitress), `app` holds
the routes (Flask), `addresses` reads a page's options from its address and makes the addresses it links
to, `guard` keeps what must not be reached out of reach (token, Host check, the file gate, security
headers), `searchers` keeps one Searcher open per server thread. The pages themselves are printed by
newsgrep.render.html from the Searcher's result objects."""
