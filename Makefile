.PHONY: test test-fast lint format bench man

test:  # everything, as CI runs it
	python -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder

test-fast:  # all but the tests marked slow (kills, watch, workers, real corpora, fuzzing): well under a minute
	python -m pytest -q -m "not slow" -n auto

lint:
	ruff check indexer search newsgrep tests bench
	ruff format --check indexer search newsgrep tests bench
	mypy newsgrep

format:
	ruff format indexer search newsgrep tests bench

bench:
	python bench/bench.py ../shared/corpora/bbc

man:  # man pages from the click commands into man/ (needs the test extras: click-man)
	python -m newsgrep.cli.manpages man
