"""Alerts (saved searches) through the real command line: added, matched against the articles each
`newsgrep index` run adds or changes, fired once, delivered to commands, replayed, removed; a kill between
deciding and delivering neither loses nor repeats a hit; `watch` runs them as files arrive."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import CORPUS, interruptible, run_cli

pytestmark = pytest.mark.slow  # many real `newsgrep` processes, each a second or more

STORY = [  # long enough for the copies' MinHash signatures to agree
    "Gunmen from La Familia attacked federal police stations in Michoacan on Saturday.",
    "Officials said the attacks followed the arrest of a cartel leader in Morelia earlier in the week.",
    "Eighteen federal agents and two soldiers were killed in a wave of reprisals across the western state.",
    "The interior ministry sent reinforcements by air and closed the highway to Uruapan for two days.",
    "Residents of Apatzingan described hours of gunfire and burning vehicles blocking the main roads.",
    "The governor asked for calm and promised that schools would reopen once the army had secured the area.",
    "Analysts said the group had grown from a vigilante movement into one of the most violent organisations.",
    "Prosecutors opened an inquiry into local officials accused of passing information to the attackers.",
]


def _article(title, sentences, date=None):
    head = f"{title}\n\n" + (f"{date}\n\n" if date else "")
    return head + "\n\n".join(sentences) + "\n"


def _write(root, relative, text):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _index(news, ix, env=None):
    """Runs `newsgrep index --json`: (the alert hits it printed, its stderr)."""
    done = run_cli("index", str(news), "--index", str(ix), "--json", env=env)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert "added" in records[0]  # the report comes first
    return [r["alert"] for r in records[1:]], done.stderr


def _fired(hits):
    """{(alert, outlet/file)} of hits."""
    return {(hit["alert"], os.path.join(*hit["path"].split(os.sep)[-2:])) for hit in hits}


def _add(ix, *args):
    done = run_cli("alert", "add", *args, "--index", str(ix))
    assert done.returncode == 0, done.stderr
    return done


def test_alerts_fire_once_for_the_articles_each_run_adds_or_changes(tmp_path):
    news, ix = tmp_path / "news", tmp_path / "ix"
    _write(news, "bbc/old.txt", _article("Old report", ["La Familia was named in an old report on police."]))
    assert run_cli("index", str(news), "--index", str(ix), "-q").returncode == 0
    _add(ix, "familia", '"La Familia"')
    _add(ix, "titlecartel", "title:cartel")
    _add(ix, "july", "police", "--since", "2009-07-01", "--until", "2009-07-31")
    _add(ix, "bbcpolice", "police", str(news / "bbc"))
    every = []

    # the first batch: a phrase, its words apart, a field, dates in and out of the period, a folder
    _write(news, "bbc/phrase.txt", _article("Attack on police", STORY, "16 July 2009"))
    _write(news, "bbc/apart.txt", _article("Familia reunion", ["Familia members met in La Paz on Sunday."]))
    _write(news, "voa/title.txt", _article("Cartel leader calls TV", ["He spoke to police."], "2 August 2009"))
    _write(news, "voa/body.txt", _article("Drug war", ["The cartel fought police."], "20 July 2009"))
    hits, stderr = _index(news, ix)
    every += hits
    assert _fired(hits) == {
        ("familia", "bbc/phrase.txt"),
        ("july", "bbc/phrase.txt"),
        ("bbcpolice", "bbc/phrase.txt"),
        ("titlecartel", "voa/title.txt"),
        ("july", "voa/body.txt"),
    }
    phrase = next(hit for hit in hits if hit["alert"] == "familia")
    assert phrase["title"] == "Attack on police" and "La Familia" in phrase["passage"] and not phrase["also_in"]

    # nothing new: nothing fires
    hits, _ = _index(news, ix)
    assert hits == []

    # a changed file that now matches fires; a changed one that fired already does not fire again; a copy
    # from another outlet, and one that lost the phrase, are reported under the story that fired
    _write(news, "bbc/apart.txt", _article("Familia reunion", ["Members of La Familia met in La Paz on Sunday."]))
    _write(news, "bbc/phrase.txt", _article("Attack on police", [*STORY, "Updated on Sunday."], "16 July 2009"))
    _write(news, "reuters/copy.txt", _article("Police stations attacked", STORY[:-1], "17 July 2009"))
    without = [s.replace("Gunmen from La Familia", "Gunmen") for s in STORY]
    _write(news, "ap/edited.txt", _article("Michoacan attacks", without, "17 July 2009"))
    hits, _ = _index(news, ix)
    every += hits
    by_file = {(hit["alert"], os.path.basename(os.path.dirname(hit["path"]))): hit for hit in hits}
    assert _fired(hits) == {
        ("familia", "bbc/apart.txt"),
        ("familia", "reuters/copy.txt"),
        ("familia", "ap/edited.txt"),
        ("july", "reuters/copy.txt"),
        ("july", "ap/edited.txt"),
    }
    for alert, outlet in [("familia", "reuters"), ("familia", "ap"), ("july", "reuters")]:
        hit = by_file[(alert, outlet)]
        assert hit["also_in"] and hit["story"] == phrase["id"] and hit["story_title"] == "Attack on police"
    assert not by_file[("familia", "bbc")]["also_in"]

    # a removed alert fires no more and is not listed; a removed file fires nothing, nor does it when it
    # comes back
    assert run_cli("alert", "remove", "july", "--index", str(ix)).returncode == 0
    _write(news, "voa/later.txt", _article("Police parade", ["Police marched in Morelia."], "21 July 2009"))
    title = (news / "voa/title.txt").read_text()
    (news / "voa/title.txt").unlink()
    hits, _ = _index(news, ix)
    every += hits
    assert _fired(hits) == set()
    _write(news, "voa/title.txt", title)
    hits, _ = _index(news, ix)
    assert _fired(hits) == set()
    listed = run_cli("alert", "list", "--index", str(ix), "--json")
    names = {json.loads(line)["name"]: json.loads(line)["fired"] for line in listed.stdout.splitlines()}
    assert names == {"familia": 4, "titlecartel": 1, "bbcpolice": 1}

    # never twice, over all the runs
    pairs = [(hit["alert"], hit["id"]) for hit in every]
    assert len(pairs) == len(set(pairs))

    # a replay lists what matched among the articles indexed in a period, without firing anything again
    replay = run_cli("alert", "run", "familia", "--since", "yesterday", "--index", str(ix), "--json")
    assert replay.returncode == 0, replay.stderr
    replayed = [json.loads(line)["alert"] for line in replay.stdout.splitlines()]
    assert {os.path.basename(h["path"]): h["fired"] for h in replayed} == {
        "old.txt": False,  # indexed before the alert was added
        "phrase.txt": True,
        "apart.txt": True,
        "copy.txt": True,
        "edited.txt": True,
    }
    assert run_cli("alert", "run", "familia", "--since", "tomorrow", "--index", str(ix)).returncode == 1


def test_human_report_names_the_alert_and_counts_its_new_articles(tmp_path):
    news, ix = tmp_path / "news", tmp_path / "ix"
    _write(news, "bbc/a.txt", _article("Quiet day", ["Nothing happened."]))
    assert run_cli("index", str(news), "--index", str(ix), "-q").returncode == 0
    _add(ix, "familia", '"La Familia"')
    _write(news, "bbc/b.txt", _article("Raid", ["La Familia raided a town."]))
    _write(news, "voa/c.txt", _article("Arrest", ["A La Familia leader was arrested."]))
    done = run_cli("index", str(news), "--index", str(ix))
    assert done.returncode == 0
    assert "newsgrep: alert 'familia': 2 new articles" in done.stderr
    assert "Raid" in done.stderr and "Arrest" in done.stderr
    assert "alert" not in done.stdout


def test_exec_gets_each_hit_as_json_and_a_failing_command_is_retried(tmp_path):
    news, ix, log = tmp_path / "news", tmp_path / "ix", tmp_path / "hits.log"
    _write(news, "bbc/a.txt", _article("Quiet day", ["Nothing happened."]))
    assert run_cli("index", str(news), "--index", str(ix), "-q").returncode == 0
    _add(ix, "familia", '"La Familia"', "--exec", f"cat >> {log}")
    flag = tmp_path / "works"
    _add(ix, "flaky", "raid", "--exec", f"test -e {flag} && cat >> {log}.flaky || {{ echo down >&2; exit 3; }}")
    _write(news, "bbc/b.txt", _article("Raid", ["La Familia raided a town."]))
    done = run_cli("index", str(news), "--index", str(ix))
    assert done.returncode == 0  # a failing command does not fail the run
    assert "alert 'flaky': command" in done.stderr and "exit 3" in done.stderr and "retry" in done.stderr
    received = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["alert"], r["title"]) for r in received] == [("familia", "Raid")]
    assert received[0]["path"] == str(news / "bbc" / "b.txt") and "La Familia" in received[0]["passage"]

    done = run_cli("index", str(news), "--index", str(ix))  # still failing: reported again, kept
    assert "alert 'flaky': command" in done.stderr and "1 new article" not in done.stderr
    flag.touch()
    done = run_cli("index", str(news), "--index", str(ix))
    assert "alert 'flaky': command" not in done.stderr
    assert [json.loads(line)["title"] for line in (tmp_path / "hits.log.flaky").read_text().splitlines()] == ["Raid"]
    run_cli("index", str(news), "--index", str(ix))
    assert len(log.read_text().splitlines()) == 1  # never twice
    assert len((tmp_path / "hits.log.flaky").read_text().splitlines()) == 1


@pytest.mark.parametrize("point", ["matched", "recorded"])
def test_a_kill_between_matching_and_delivering_neither_loses_nor_repeats(tmp_path, point):
    news, ix, log = tmp_path / "news", tmp_path / "ix", tmp_path / "hits.log"
    _write(news, "bbc/a.txt", _article("Quiet day", ["Nothing happened."]))
    assert run_cli("index", str(news), "--index", str(ix), "-q").returncode == 0
    _add(ix, "familia", '"La Familia"', "--exec", f"cat >> {log}")
    _write(news, "bbc/b.txt", _article("Raid", ["La Familia raided a town."]))
    env = {**os.environ, "NO_COLOR": "", "NEWSGREP_TEST_ALERT_PAUSE": point}
    env.pop("NEWSGREP_INDEX", None)
    killed = subprocess.Popen(
        [sys.executable, "-m", "newsgrep", "index", str(news), "--index", str(ix)],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    said = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = killed.stderr.readline()
        said.append(line)
        if f"test pause at {point}" in line or not line:
            break
    assert f"test pause at {point}" in "".join(said)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    killed.stderr.close()
    assert "1 new article" not in "".join(said) and not log.exists()

    done = run_cli("index", str(news), "--index", str(ix))  # nothing left to index: the alert step catches up
    assert "newsgrep: alert 'familia': 1 new article" in done.stderr
    again = run_cli("index", str(news), "--index", str(ix))
    assert "new article" not in again.stderr
    assert [json.loads(line)["title"] for line in log.read_text().splitlines()] == ["Raid"]


def test_watch_runs_alerts_and_their_commands_as_files_arrive(tmp_path):
    news, ix, log = tmp_path / "news", tmp_path / "ix", tmp_path / "hits.log"
    _write(news, "bbc/a.txt", _article("Quiet day", ["Nothing happened."]))
    assert run_cli("index", str(news), "--index", str(ix), "-q").returncode == 0
    _add(ix, "familia", '"La Familia"', "--exec", f"cat >> {log}")
    env = {**os.environ, "NO_COLOR": ""}
    env.pop("NEWSGREP_INDEX", None)
    watcher = subprocess.Popen(
        [sys.executable, "-m", "newsgrep", "watch", "--index", str(ix), "--debounce", "0.3", "--settle", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=interruptible,  # the test sends it SIGINT
    )
    try:
        time.sleep(3)
        _write(news, "bbc/b.txt", _article("Raid", ["La Familia raided a town."]))
        _write(news, "bbc/c.txt", _article("Harvest", ["Farmers brought in the avocado crop."]))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (log.exists() and log.read_text().strip()):
            time.sleep(0.2)
        time.sleep(1)
        _write(news, "voa/d.txt", _article("Arrest", ["A La Familia leader was arrested."]))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(log.read_text().splitlines()) < 2:
            time.sleep(0.2)
    finally:
        watcher.send_signal(signal.SIGINT)
        _, stderr = watcher.communicate(timeout=60)
    assert [json.loads(line)["title"] for line in log.read_text().splitlines()] == ["Raid", "Arrest"]
    assert stderr.count("alert 'familia': 1 new article") == 2


def test_bad_alerts_are_one_line_errors(tmp_path):
    news, ix = tmp_path / "news", tmp_path / "ix"
    _write(news, "bbc/a.txt", _article("Quiet day", ["Nothing happened."]))
    missing = run_cli("alert", "add", "x", "raid", "--index", str(tmp_path / "none"))
    assert missing.returncode == 2 and "no index" in missing.stderr
    assert run_cli("index", str(news), "--index", str(ix), "-q").returncode == 0
    for args, said in [
        (["add", "x", "nope:raid"], "unknown field"),
        (["add", "x", '"raid'], "unbalanced quotes"),
        (["add", "x", "raid", "--since", "the day after never"], "cannot read the date"),
        (["add", "bad name", "raid"], "bad alert name"),
        (["remove", "x"], "no alert named 'x'"),
        (["run", "x"], "no alert named 'x'"),
    ]:
        done = run_cli("alert", *args, "--index", str(ix))
        assert done.returncode == 2, (args, done.stderr)
        assert said in done.stderr and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    _add(ix, "x", "raid")
    twice = run_cli("alert", "add", "x", "other", "--index", str(ix))
    assert twice.returncode == 2 and "already" in twice.stderr


def test_another_outlet_s_report_of_an_alerted_story_is_reported_under_it(tmp_path):
    news, ix = tmp_path / "news", tmp_path / "ix"
    for path in sorted((CORPUS / "wikinews").glob("*.txt"))[:30]:  # a collection to weigh words against
        _write(news, f"misc/{path.name}", path.read_text())
    assert run_cli("index", str(news), "--index", str(ix), "-q").returncode == 0
    _add(ix, "volcano", "Tungurahua")
    _write(news, "bbc/a.txt", VOLCANO_BBC)
    first, _ = _index(news, ix)
    assert [(hit["title"], hit["also_in"]) for hit in first] == [("Volcano erupts near Tungurahua", False)]
    _write(news, "voa/b.txt", VOLCANO_VOA)  # the same story in other words: not a copy
    done = run_cli("index", str(news), "--index", str(ix))
    assert done.returncode == 0, done.stderr
    assert "alert 'volcano': 1 new article" in done.stderr
    assert "also in: voa: Ecuador evacuates villages as Tungurahua spews ash  [Volcano erupts near Tungurahua]" in (
        done.stderr
    )
    replay = run_cli("alert", "run", "volcano", "--index", str(ix), "--json")
    replayed = [json.loads(line)["alert"] for line in replay.stdout.splitlines()]
    stories = {hit["title"]: hit["story"] for hit in replayed}
    assert len(set(stories.values())) == 1 and stories[VOLCANO_VOA.split("\n")[0]] == first[0]["id"]


VOLCANO_BBC = """Volcano erupts near Tungurahua

16 July 2009

The Tungurahua volcano in Ecuador erupted on Thursday, sending ash over Banos and Riobamba.

Geologists from the Instituto Geofisico said lava flows reached the Vazcun valley and Pondoa.

Authorities evacuated Cusua and Juive Grande as pyroclastic flows descended the slopes.
"""
VOLCANO_VOA = """Ecuador evacuates villages as Tungurahua spews ash

17 July 2009

Residents of Juive Grande and Cusua left their homes after Tungurahua's pyroclastic flows, officials said.

Ash fell on Riobamba and Banos, and the Instituto Geofisico reported lava in the Vazcun valley near Pondoa.

The eruption began on Thursday, geologists in Ecuador said.
"""
