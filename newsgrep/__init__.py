"""newsgrep: a command-line search engine for folders of news articles (the click layer)."""

__version__ = "0.1.0"
