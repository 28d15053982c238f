.PHONY: test lint format bench

test:
	python -m pytest -q

lint:
	ruff check indexer search newsgrep tests bench
	ruff format --check indexer search newsgrep tests bench

format:
	ruff format indexer search newsgrep tests bench

bench:
	python bench/bench.py ../shared/corpora/bbc
