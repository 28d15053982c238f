"""Furniture learnt from the corpus: recurring lines and glued menus go, incrementally, and copies stay."""

from newsgrep import open_index
from newsgrep.indexer.build import build_index
from newsgrep.indexer.learnt_furniture import MIN_REPEATS, line_key, prefix_cuts
from tests.conftest import search

MENU = "Americas Africa Europe Middle East South Asia Asia Pacific"
FOOTER = "Follow the Daily Planet on Mastodon for more"
STORIES = [
    ("Mexico Vows Never to Cut Deals With Drug Lords", "The government ruled out any pact with the cartel."),
    ("Quake Shakes Chilean Capital", "Buildings swayed in Santiago as the ground shook."),
    ("Copper Hits Two-Year High", "Strikes at mines pushed copper prices up."),
    ("Floods Close Schools in Dhaka", "Heavy monsoon rain closed schools across the city."),
    ("Parliament Passes Budget", "Lawmakers approved the spending plan after a long debate."),
    ("Rangers Win Cup Final", "A late goal settled the match in extra time."),
]


def _write(folder, number):
    title, text = STORIES[number]
    more = f"Reporters in {title.split()[0]} are following the story."
    (folder / f"story-{number}.txt").write_text(f"{MENU}{title}\n\n{text}\n\n{more}\n\n{FOOTER}\n")


def _titles(index_dir, folder):
    with open_index(index_dir) as searcher:
        return sorted(searcher.articles(str(path))[0].title for path in folder.glob("*.txt"))


def test_glued_menu_cut_points_include_the_glue():
    line = MENU + "Mexico Vows Never to Cut Deals"
    assert len(MENU) in [cut for cut, _ in prefix_cuts(line)]
    assert line_key("Copyright 2019 BBC") == line_key("copyright  2020 bbc")


def test_lines_become_furniture_when_frequent_and_old_articles_follow(tmp_path):
    site = tmp_path / "voa"
    site.mkdir()
    for number in range(MIN_REPEATS - 1):
        _write(site, number)
    build_index([str(site)], tmp_path / "ix")
    assert search("Mastodon", tmp_path / "ix").hits  # 4 copies: not yet furniture
    assert all(title.startswith(MENU) for title in _titles(tmp_path / "ix", site))

    _write(site, MIN_REPEATS - 1)  # the fifth article makes menu and footer furniture
    report = build_index(None, tmp_path / "ix")
    assert (report.added, report.refreshed) == (1, MIN_REPEATS - 1)
    assert not search("Mastodon", tmp_path / "ix").hits
    assert _titles(tmp_path / "ix", site) == sorted(title for title, _ in STORIES[:MIN_REPEATS])
    assert [h.title for h in search("copper", tmp_path / "ix").hits] == ["Copper Hits Two-Year High"]

    (site / "story-0.txt").unlink()  # back under the threshold: the lines are content again
    report = build_index(None, tmp_path / "ix")
    assert (report.removed, report.refreshed) == (1, MIN_REPEATS - 1)
    assert search("Mastodon", tmp_path / "ix").hits


def test_first_build_learns_before_it_extracts(tmp_path):
    site = tmp_path / "voa"
    site.mkdir()
    for number in range(len(STORIES)):
        _write(site, number)
    report = build_index([str(site)], tmp_path / "ix")
    assert (report.added, report.refreshed) == (len(STORIES), 0)
    assert not search("Mastodon", tmp_path / "ix").hits
    assert _titles(tmp_path / "ix", site) == sorted(title for title, _ in STORIES)


def test_copies_of_one_story_are_not_furniture(tmp_path):
    """Wire copy republished verbatim repeats every line: that is duplication, not furniture."""
    site = tmp_path / "wire"
    site.mkdir()
    for copy in range(MIN_REPEATS + 2):
        (site / f"copy-{copy}.txt").write_text(
            "Storm Batters Coast\n\nHigh winds hit the coast overnight.\n\nPower was cut to thousands of homes.\n"
        )
    build_index([str(site)], tmp_path / "ix")
    hits = search("winds power", tmp_path / "ix", limit=20, collapse=False).hits
    assert len(hits) == MIN_REPEATS + 2
    assert {h.title for h in hits} == {"Storm Batters Coast"}
