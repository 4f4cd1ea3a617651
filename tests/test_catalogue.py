"""The bad-input catalogue: every way users commonly break evalsum, each through the CLI.

Each case copies references/ into a temp folder, breaks exactly one thing, runs `evalsum ...`
in process, and asserts the exit code (2 for usage, data and backend errors, 3 for an unavailable
backend, 0 for inputs that must simply work), exactly one line on stderr that names the file
and the line or field, and no traceback.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from evalsum.models import Failure
from evalsum.store.records import load_record, record_paths
from tests import plugins
from tests.conftest import CLUSTER
from tests.faults import Env, cli, make_env

RUN = ("run", "-s", "lead3", "--references", "{refs}", "--results", "{results}")
LEADERBOARD = ("leaderboard", "--results", "{results}")
CHECK = ("check", "--baseline", "{results}/baseline.json", "--results", "{results}")


def run_as(system: str, *extra: str) -> tuple[str, ...]:
    return ("run", "-s", system, *extra, "--references", "{refs}", "--results", "{results}")


# ---------------------------------------------------------------- breakers (each breaks one thing)


def write(rel: str, text: str | bytes) -> Callable[[Env], None]:
    def go(env: Env) -> None:
        p = env.cdir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return go


def remove(rel: str) -> Callable[[Env], None]:
    def go(env: Env) -> None:
        p = env.cdir / rel if rel else env.refs
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    return go


def first_source(data: bytes) -> Callable[[Env], None]:
    def go(env: Env) -> None:
        env.source(0).write_bytes(data)
    return go


def checklist_edit(old: str, new: str) -> Callable[[Env], None]:
    def go(env: Env) -> None:
        p = env.cdir / "checklist.yaml"
        text = p.read_text(encoding="utf-8")
        assert old in text
        p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return go


def backtracking_pattern(pattern: str) -> Callable[[Env], None]:
    """A checklist regex that backtracks, and a reference sentence long enough to make it hang
    the standard `re` engine (issue 16: `re:(a+)+$` hung `run` and `validate`)."""
    def go(env: Env) -> None:
        checklist_edit('["postpone", "re:put off"]', f'["re:{pattern}"]')(env)
        ref = env.cdir / "summaries" / "annotator-a.txt"
        ref.write_text(ref.read_text(encoding="utf-8") + "Blinken said " + "a" * 4000 + "b.\n", encoding="utf-8")
    return go


def long_line_source(env: Env) -> None:
    """One 100 kB line of short sentences (issue 16: NLTK's 5 s guard fired on such a line)."""
    env.source(0).write_text("date 2023-02-04 " + "The balloon drifted east. " * 4_000 + "\n", encoding="utf-8")


def markup_source(env: Env) -> None:
    src = env.source(0)
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    src.write_text(lines[0] + "Officials said [/x] and [bold]loud[/bold] :smile: here.\n" + "".join(lines[1:]),
                   encoding="utf-8")


def disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(os, "write", fail)


def key_echoing_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    from evalsum.run import registry

    monkeypatch.setenv("EVALSUM_API_KEY", "sk-test-0123456789abcdef/+=&x")
    monkeypatch.setitem(registry.BUILTINS, "leaks-key", "tests.test_reliability_redact:LeaksKey")


def duplicate_cluster(env: Env) -> None:
    shutil.copytree(env.cdir, env.refs / "zz-copy")


def bom_crlf(env: Env) -> None:
    for p in (env.cdir / "sources").glob("*.txt"):
        text = p.read_text(encoding="utf-8").replace("\r\n", "\n")
        p.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))


def with_record(edit: Callable[[list[bytes]], list[bytes]] | None = None) -> Callable[[Env], None]:
    """A real lead3 run first, then `edit` applied to the lines of its record file."""
    def go(env: Env) -> None:
        assert cli(*(env.fmt(a) for a in RUN)) == 0
        if edit is not None:
            [path] = record_paths(env.runs)
            path.write_bytes(b"".join(edit(path.read_bytes().splitlines(keepends=True))))
    return go


def bad_json_line(lines: list[bytes]) -> list[bytes]:
    return [lines[0], b'{"kind": "result", "system": "lead3", "resu\n', *lines[2:]]


def bad_field_line(lines: list[bytes]) -> list[bytes]:
    data = json.loads(lines[1])
    data["result"]["status"] = "maybe"
    return [lines[0], json.dumps(data).encode() + b"\n", *lines[2:]]


def no_footer(lines: list[bytes]) -> list[bytes]:
    return lines[:-1]


def not_utf8_line(lines: list[bytes]) -> list[bytes]:
    return [lines[0], lines[1].replace(b'"lead3"', b'"lead\xff"', 1), *lines[2:]]


def results_is_a_file(env: Env) -> None:
    env.results.write_text("not a folder\n")


def unwritable_results(env: Env) -> None:
    """chmod the results folder read-only; as root chmod does not stop writes, so then put the
    results folder under a regular file instead (which fails for root too)."""
    env.results.mkdir()
    env.results.chmod(0o555)
    probe = env.results / "probe"
    try:
        probe.write_text("x")
    except OSError:
        return  # chmod works here: a read-only folder it is
    probe.unlink()
    env.results.chmod(0o755)
    blocker = env.tmp / "blocker"
    blocker.write_text("a regular file\n")
    env.results = blocker / "results"


def corrupt_cache(env: Env) -> None:
    assert cli(*(env.fmt(a) for a in run_as("textrank"))) == 0  # textrank is cached; lead3 is too cheap to be
    entries = list((env.results / "cache").rglob("*.json"))
    assert entries
    for e in entries:
        e.write_text('{"sentences": [', encoding="utf-8")


def then_baseline(text: str | None) -> Callable[[Env], None]:
    def go(env: Env) -> None:
        with_record()(env)
        if text is not None:
            (env.results / "baseline.json").write_text(text, encoding="utf-8")
    return go


# ---------------------------------------------------------------- follow-up checks for cases that work


def truncated_to_budget(env: Env) -> None:
    [path] = record_paths(env.runs)
    [res] = load_record(path).systems[0].results
    assert res.status == "ok" and res.summary is not None
    assert (res.summary.words, res.summary.original_words, res.summary.truncated) == (100, 10_000, True)


def dates_parsed(env: Env) -> None:
    from evalsum.gold.corpus import load_cluster

    dates = {d.id: d.date.isoformat() if d.date else None for d in load_cluster(env.cdir).documents}
    assert dates["001_2ef700c44a78353f"] == "2023-02-04" and sum(1 for v in dates.values() if v) >= 4


def regenerated(env: Env) -> None:
    first, second = record_paths(env.runs)
    a, b = (load_record(p).systems[0].results[0] for p in (first, second))
    assert not b.cached and b.summary == a.summary


def record_ok(env: Env) -> None:
    [path] = record_paths(env.runs)
    assert [r.status for r in load_record(path).systems[0].results] == ["ok"]


def record_still_written(env: Env) -> None:
    assert len(record_paths(env.runs)) == 2  # the new record is published before the error


def failure_recorded(error: str) -> Callable[[Env], None]:
    def go(env: Env) -> None:
        [path] = record_paths(env.runs)
        [res] = load_record(path).systems[0].results
        assert res.status == "failed" and res.failure is not None and error in str(res.failure)
        board = json.loads((env.results / "leaderboard.json").read_text(encoding="utf-8"))
        assert [(r["clusters"], r["failed"]) for r in board["rows"]] == [(1, 1)]
    return go


# ---------------------------------------------------------------- the catalogue


@dataclass
class Case:
    id: str
    argv: tuple[str, ...]
    breaker: Callable[[Env], None] | None
    code: int
    expect: tuple[str, ...] = ()  # substrings of the one stderr line ({refs}, {cdir}, {runs}... filled in)
    then: Callable[[Env], None] | None = None
    patch: Callable[[pytest.MonkeyPatch], None] | None = None  # a fault in the process, just for the command


SRC0 = "{cdir}/sources/000_83e826a67299ec89.txt"
CK = "{cdir}/checklist.yaml"

CATALOGUE = [
    # gold data
    Case("missing-references-folder", RUN, remove(""), 2, ("{refs}:", "references folder not found")),
    Case("no-clusters", RUN, remove("."), 2, ("{refs}:", "no clusters found")),
    Case("cluster-yaml-syntax-error", RUN, write("cluster.yaml", "id: x\ntitle: [unclosed\nmore: 1\n"), 2,
         ("{cdir}/cluster.yaml:line 3:", "YAML syntax error")),
    Case("cluster-yaml-missing-title", RUN, write("cluster.yaml", "id: balloon-2023-02\n"), 2,
         ("{cdir}/cluster.yaml:field title:", "Field required")),
    Case("cluster-yaml-unknown-field", RUN, write("cluster.yaml", "id: balloon-2023-02\ntitle: T\nauthor: me\n"), 2,
         ("{cdir}/cluster.yaml:field author:", "Extra inputs are not permitted")),
    Case("duplicate-cluster-id", RUN, duplicate_cluster, 2,
         ("{refs}/zz-copy/cluster.yaml:field id:", "duplicate cluster id 'balloon-2023-02'")),
    Case("cluster-with-no-sources", RUN, remove("sources"), 2, ("{cdir}/sources:", "no sources")),
    Case("empty-source-file", RUN, first_source(b""), 2, (SRC0 + ":", "empty source file")),
    Case("whitespace-only-source", RUN, first_source(b" \n\r\n\t\n"), 2, (SRC0 + ":", "empty source file")),
    Case("non-utf8-source", RUN, first_source(b"date 2023-02-04 First line.\nCaf\xe9 on line two.\n"), 2,
         (SRC0 + ":line 2:", "not valid UTF-8")),
    Case("non-utf8-reference", RUN, write("summaries/annotator-a.txt", b"One.\nTwo.\nCaf\xe9 three.\n"), 2,
         ("{cdir}/summaries/annotator-a.txt:line 3:", "not valid UTF-8")),
    Case("reference-with-no-words", RUN, write("summaries/annotator-b.txt", " \n\n"), 2,
         ("{cdir}/summaries/annotator-b.txt:", "reference has no words")),
    Case("reference-of-punctuation-only", RUN, write("summaries/annotator-b.txt", "... --- !!\n"), 2,
         ("{cdir}/summaries/annotator-b.txt:", "reference has no words")),
    Case("source-with-only-a-date-header", RUN, first_source(b"date 2023-02-04 \n\n"), 2,
         (SRC0 + ":", "source has no words after its date header")),
    Case("invalid-date-header", RUN, first_source(b"date 2023-02-31 Text follows here.\n"), 2,
         (SRC0 + ":line 1:", "invalid date header 'date 2023-02-31'")),
    Case("cluster-id-is-a-path", RUN, write("cluster.yaml", "id: ../../etc\ntitle: T\n"), 2,
         ("{cdir}/cluster.yaml:field id:", "cluster id '../../etc' must be 1-200 letters")),
    Case("no-reference-summaries", RUN, remove("summaries"), 2, ("{cdir}:summaries/:", "no reference summaries")),
    Case("checklist-yaml-syntax-error", RUN, checklist_edit("  - id: blinken-trip", "  - id: [blinken-trip"), 2,
         (CK + ":line 6:", "YAML syntax error")),
    Case("checklist-unknown-field", RUN,
         checklist_edit("    statement: A second", "    colour: red\n    statement: A second"), 2,
         (CK + ":field facts.0.colour:", "Extra inputs are not permitted")),
    Case("checklist-duplicate-fact-ids", RUN, checklist_edit("id: blinken-trip", "id: second-balloon"), 2,
         (CK + ":field facts:", "duplicate id 'second-balloon'")),
    Case("checklist-invalid-regex", RUN, checklist_edit('"re:put off"', '"re:put (off"'), 2,
         (CK + ":item blinken-trip:", "invalid regular expression")),
    Case("checklist-regex-too-large", RUN, checklist_edit('"re:put off"', '"re:a{99999999999}"'), 2,
         (CK + ":item blinken-trip:", "invalid regular expression")),
    Case("checklist-regex-nested-repeat", RUN, backtracking_pattern("(a+)+$"), 2,
         ("re:(a+)+$: regular expression ran over 1 s on a 4015-character text",)),
    Case("checklist-regex-overlapping-repeat", ("validate", "--references", "{refs}"), backtracking_pattern("(a|aa)+$"),
         2, ("re:(a|aa)+$: regular expression ran over 1 s",)),
    Case("checklist-pattern-without-words", RUN, checklist_edit('"postpone"', '"!!!"'), 2,
         (CK + ":item blinken-trip:", "has no words")),
    Case("checklist-fact-without-patterns", RUN, checklist_edit('[["balloon"], ["Latin America"]]', "[]"), 2,
         (CK + ":field facts.0.patterns:", "at least 1 item")),
    Case("checklist-empty-file", RUN, write("checklist.yaml", ""), 2, (CK + ":", "expected a mapping")),
    Case("unknown-cluster", (*RUN, "--cluster", "nope"), None, 2, ("{refs}:", "unknown cluster 'nope'")),
    # command line
    Case("no-system-named", ("run", "--config", "{tmp}/evalsum.toml", "--references", "{refs}", "--results",
                             "{results}"),
         lambda env: (env.tmp / "evalsum.toml").write_text("budget = 100\n"), 2, ("--system", "[tool.evalsum]")),
    Case("run-file-unknown-backend", ("run", "--config", "{tmp}/evalsum.toml", "--references", "{refs}", "--results",
                                      "{results}"),
         lambda env: (env.tmp / "evalsum.toml").write_text('[[systems]]\nbackend = "lead3"\n'
                                                           '[[systems]]\nbackend = "lead4"\n'),
         2, ("{tmp}/evalsum.toml:field systems.1.backend:", "unknown system 'lead4'")),
    Case("run-file-bad-option", ("run", "--config", "{tmp}/evalsum.toml", "--references", "{refs}", "--results",
                                 "{results}"),
         lambda env: (env.tmp / "evalsum.toml").write_text('[[systems]]\nbackend = "lead-k"\noptions = { k = 0 }\n'),
         2, ("{tmp}/evalsum.toml:field systems.0.options:", "invalid option 'k' for system 'lead-k'")),
    Case("unknown-system", run_as("lead4"), None, 2, ("unknown system 'lead4'", "Did you mean 'lead3'?")),
    Case("system-that-cannot-import", run_as("broken-import"), None, 2,
         ("system 'broken-import'", "could not be loaded", "tests.no_such_module")),
    Case("unknown-option", run_as("lead-k", "-o", "colour=red"), None, 2,
         ("unknown option 'colour' for system 'lead-k'", "Allowed: k, lead")),
    Case("invalid-option-value", run_as("lead-k", "-o", "k=many"), None, 2,
         ("invalid option 'k' for system 'lead-k'", "valid integer")),
    Case("option-below-minimum", run_as("lead-k", "-o", "k=0"), None, 2,
         ("invalid option 'k'", "greater than or equal to 1")),
    Case("option-not-key-value", run_as("lead-k", "-o", "k"), None, 2, ("--option 'k' is not key=value",)),
    Case("budget-zero", (*RUN, "--budget", "0"), None, 2, ("--budget", "got 0")),
    Case("budget-negative", (*RUN, "--budget", "-5"), None, 2, ("--budget", "got -5")),
    Case("budget-not-a-number", (*RUN, "--budget", "lots"), None, 2, ("Invalid value for '--budget'", "valid integer")),
    Case("unknown-policy", (*RUN, "--policy", "best"), None, 2, ("--policy", "'best'")),
    Case("negative-timeout", (*RUN, "--timeout", "-1"), None, 2, ("--timeout", "got -1")),
    Case("unknown-command-option", (*RUN, "--colour"), None, 2, ("No such option: --colour",)),
    # results folder
    Case("corrupt-record-not-json", LEADERBOARD, with_record(bad_json_line), 2,
         ("{runs}/", ".jsonl:line 2:", "corrupt record (not valid JSON")),
    Case("corrupt-record-bad-field", LEADERBOARD, with_record(bad_field_line), 2,
         ("{runs}/", ".jsonl:line 2, field result.status:", "delete or restore")),
    Case("corrupt-record-no-footer", LEADERBOARD, with_record(no_footer), 2,
         ("{runs}/", ".jsonl:", "record has no footer")),
    Case("corrupt-record-not-utf8", LEADERBOARD, with_record(not_utf8_line), 2,
         ("{runs}/", ".jsonl:", "not UTF-8")),
    Case("run-beside-a-corrupt-record", RUN, with_record(bad_json_line), 2,
         ("{runs}/", ".jsonl:line 2:", "corrupt record"), then=record_still_written),
    Case("leaderboard-without-records", LEADERBOARD, None, 2, ("{runs}:", "no records yet")),
    Case("results-path-is-a-file", RUN, results_is_a_file, 2, ("{results}/runs:", "cannot write results here")),
    Case("unwritable-results-folder", RUN, unwritable_results, 2, ("{results}", "cannot write results here")),
    Case("baseline-missing", CHECK, then_baseline(None), 2, ("{results}/baseline.json:", "baseline")),
    Case("baseline-corrupt", CHECK, then_baseline('{"systems": [\n'), 2, ("{results}/baseline.json:", "baseline")),
    # backends
    Case("backend-raises", run_as("raises"), None, 2,
         ("{runs}/", "raises on balloon-2023-02: bug: RuntimeError: backend exploded on two lines"),
         then=failure_recorded("RuntimeError: backend exploded")),
    Case("backend-returns-empty-text", run_as("empty"), None, 2,
         ("{runs}/", "empty on balloon-2023-02", "empty summary"), then=failure_recorded("empty summary")),
    Case("backend-returns-not-a-summary", run_as("not-summary"), None, 2,
         ("{runs}/", "not-summary on balloon-2023-02", "returned str, not a Summary"),
         then=failure_recorded("not a Summary")),
    Case("backend-hangs-past-timeout", run_as("hangs", "--timeout", "0.5"), None, 2,
         ("{runs}/", "hangs on balloon-2023-02: timeout: timed out after 0.5 s"),
         then=failure_recorded("timed out after 0.5 s")),
    Case("backend-unavailable", run_as("down"), None, 3,
         ("{runs}/", "backend unavailable: down on balloon-2023-02", "refused the connection"),
         then=failure_recorded("unavailable:")),
    # inputs that must simply work
    Case("backend-returns-10000-words", run_as("verbose"), None, 0, then=truncated_to_budget),
    Case("bom-and-crlf-sources", RUN, bom_crlf, 0, then=dates_parsed),
    Case("corrupt-cache-entry", run_as("textrank"), corrupt_cache, 0, then=regenerated),
    Case("source-is-one-100kB-line", RUN, long_line_source, 0, then=record_ok),
    Case("source-with-rich-markup", ("inspect", CLUSTER, "--references", "{refs}"), markup_source, 0),
    Case("results-path-with-markup", (*RUN[:-1], "{tmp}/out[/x]"), None, 0),
    # faults in the process
    Case("disk-full-writing-the-leaderboard", LEADERBOARD, with_record(), 2,
         ("{results}/leaderboard.json: cannot write: No space left on device; free some space and rerun",),
         patch=disk_full),
    Case("backend-error-echoes-the-api-key", run_as("leaks-key"), None, 2,
         ("leaks-key on balloon-2023-02", "bad key *** for http://***@h/v1"), patch=key_echoing_backend),
]


@pytest.mark.parametrize("case", CATALOGUE, ids=[c.id for c in CATALOGUE])
def test_catalogue(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str]) -> None:
    plugins.register(monkeypatch)
    env = make_env(tmp_path)
    if case.breaker is not None:
        case.breaker(env)
    capsys.readouterr()
    argv = [env.fmt(a) for a in case.argv]
    if case.patch is not None:
        case.patch(monkeypatch)
    try:
        code = cli(*argv)
    finally:
        monkeypatch.undo()
        if env.results.is_dir():
            env.results.chmod(0o755)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == case.code, err
    if case.code == 0:
        assert err == ""
    else:
        lines = err.splitlines()
        assert len(lines) == 1 and err.endswith("\n"), err
        assert lines[0].startswith("error: ") and "internal error" not in lines[0]
        for want in case.expect:
            assert env.fmt(want) in lines[0], (want, lines[0])
    if case.then is not None:
        case.then(env)


def test_catalogue_is_large_enough() -> None:
    failing = [c for c in CATALOGUE if c.code != 0]
    assert len(failing) >= 25 and len({c.id for c in CATALOGUE}) == len(CATALOGUE)


def test_bom_crlf_date_header_is_parsed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = make_env(tmp_path)
    before = {d: open(p, "rb").read() for d, p in ((p.stem, p) for p in (env.cdir / "sources").glob("*.txt"))}
    assert cli("inspect", "balloon-2023-02", "--json", "--references", str(env.refs)) == 0
    want = {d["id"]: (d["date"], [s["text"] for s in d["sentences"]])
            for d in json.loads(capsys.readouterr().out)["documents"]}
    bom_crlf(env)
    assert all(p.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in p.read_bytes()
               for p in (env.cdir / "sources").glob("*.txt")) and before
    assert cli("inspect", "balloon-2023-02", "--json", "--references", str(env.refs)) == 0
    got = {d["id"]: (d["date"], [s["text"] for s in d["sentences"]])
           for d in json.loads(capsys.readouterr().out)["documents"]}
    assert got == want  # same dates, same sentences: BOM and CRLF change nothing
    assert got["001_2ef700c44a78353f"][0] == "2023-02-04"
    assert sum(1 for d, _ in got.values() if d) >= 4


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    """--debug re-raises instead of printing one line."""
    from evalsum.errors import DataError

    with pytest.raises(DataError, match="references folder not found"):
        cli("--debug", "run", "-s", "lead3", "--references", str(tmp_path / "nope"), "--results", str(tmp_path / "r"))


def test_multiline_backend_error_stays_one_line_but_is_recorded_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    plugins.register(monkeypatch)
    env = make_env(tmp_path)
    assert cli(*(env.fmt(a) for a in run_as("raises"))) == 2
    assert capsys.readouterr().err.count("\n") == 1
    [path] = record_paths(env.runs)
    failure = load_record(path).systems[0].results[0].failure
    assert failure == Failure(kind="bug", message="RuntimeError: backend exploded\non two lines")


def test_internal_error_is_one_line_without_traceback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A bug in evalsum itself still gives one line (and exit 2), and points at --debug."""
    from evalsum.run import runner

    def boom(*a: object, **k: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(runner, "run_to_disk", boom)
    env = make_env(tmp_path)
    assert cli(*(env.fmt(a) for a in RUN)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "internal error (ZeroDivisionError: division by zero)" in err and "--debug" in err


@pytest.mark.skipif(os.name != "posix", reason="subprocess exit codes checked on POSIX")
def test_catalogue_through_a_real_process(tmp_path: Path) -> None:
    """The installed entry point behaves as the in-process calls do: one line, exit 2, no traceback."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = make_env(tmp_path)
    first_source(b"Caf\xe9\n")(env)
    proc = subprocess.run([sys.executable, "-m", "evalsum", "run", "-s", "lead3", "--references", str(env.refs),
                           "--results", str(env.results)], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert f"{env.source(0)}:line 1: not valid UTF-8" in proc.stderr
