"""Issue 16, red-team re-check: the cases the re-check found still unclean, one test per class.

- a checklist pattern that runs past its bound names the checklist file and the item (run and
  validate), and scoring as a whole runs under `--timeout`;
- text that is not Unicode (a lone surrogate from a backend or a JSON escape) fails its cluster,
  or is one line naming file and field, never "internal error";
- strict JSON input also refuses duplicate keys (datasets, files JSONL, records);
- control characters from data never reach the terminal or LEADERBOARD.md;
- a full disk names the record; a leaderboard that cannot be written says the record is published;
- a worker process whose parent is gone leaves quietly; a SIGKILL prints nothing.
"""
from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest
from rich.text import Text

from evalsum.analysis import publish
from evalsum.cli.app import safe_text
from evalsum.contract import Summariser, SystemOptions
from evalsum.errors import DataError
from evalsum.files import loads_strict
from evalsum.models import Budget, Prepared, Summary
from evalsum.redact import Redactor, escape_controls
from evalsum.run import registry
from evalsum.store.records import RecordWriter, load_record, record_paths
from tests.conftest import ROOT
from tests.faults import Env, cli, make_env, synthetic_corpus

ESC_SUMMARY = "The balloon \x1b]0;PWNED\x07 flew over Montana.\nIt was \x1b[8mhidden\x1b[0m then.\n"


class NotUnicode(Summariser[SystemOptions]):
    """Returns a sentence holding a lone surrogate, as a backend decoding bytes with
    errors='surrogateescape' would."""

    name: ClassVar[str] = "not-unicode"
    version: ClassVar[str] = "1"

    def summarise(self, cluster: Prepared, budget: Budget) -> Summary:
        return Summary(sentences=["The balloon \udcff flew."])


def _slow_checklist(env: Env, facts: int) -> None:
    """`facts` facts whose only pattern backtracks exponentially on a run of a's before a '!'."""
    items = "".join(f'  - id: slow{i}\n    statement: s.\n    weight: 1\n    patterns: [["re:(a|aa)+$"]]\n'
                    for i in range(facts))
    (env.cdir / "checklist.yaml").write_text("facts:\n" + items, encoding="utf-8")


def _files_summary(env: Env, text: str) -> Path:
    folder = env.tmp / "summaries"
    folder.mkdir(exist_ok=True)
    (folder / f"{env.cdir.name}.txt").write_text(text, encoding="utf-8")
    return folder


def _only_result(env: Env) -> Any:
    [path] = record_paths(env.runs)
    [run] = load_record(path).systems
    [result] = run.results
    return result


def test_a_pattern_past_its_bound_names_the_checklist_and_the_item(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    env = make_env(tmp_path)
    _slow_checklist(env, 1)
    folder = _files_summary(env, "The balloon " + "a" * 60 + "!\n")  # far past the 1 s bound
    assert cli("run", "-s", "files", "-o", f"path={folder}", "--references", str(env.refs),
               "--results", str(env.results)) == 2
    result = _only_result(env)
    assert result.status == "failed" and result.failure.kind == "data"
    assert result.failure.message.startswith(f"{env.cdir}/checklist.yaml:fact slow0: re:(a|aa)+$: regular "
                                             "expression ran over 1 s on a ")
    # the same pattern stuck on a reference: validate's one line names the file and the item too
    ref = sorted((env.cdir / "summaries").glob("*.txt"))[0]
    ref.write_text(ref.read_text(encoding="utf-8") + "The balloon " + "a" * 60 + "!\n", encoding="utf-8")
    capsys.readouterr()
    assert cli("validate", "--references", str(env.refs)) == 2
    err = capsys.readouterr().err
    assert f"error: {env.cdir}/checklist.yaml:fact slow0: re:(a|aa)+$: regular expression ran over" in err
    assert "internal error" not in err


def test_scoring_runs_under_the_per_cluster_timeout(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    _slow_checklist(env, 60)  # each search well under the 1 s bound, all of them many seconds
    folder = _files_summary(env, "The balloon " + "a" * 28 + "!\n")
    t0 = time.monotonic()
    assert cli("run", "-s", "files", "-o", f"path={folder}", "--timeout", "1", "--references", str(env.refs),
               "--results", str(env.results)) == 2
    assert time.monotonic() - t0 < 10
    result = _only_result(env)
    assert result.status == "failed" and result.failure.kind == "timeout"
    assert result.failure.message.startswith("scoring timed out after 1 s")


def test_a_summary_that_is_not_unicode_fails_its_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(registry.BUILTINS, "not-unicode", "tests.test_redteam_fixes:NotUnicode")
    env = make_env(tmp_path)
    assert cli("run", "-s", "lead3", "-s", "not-unicode", "--references", str(env.refs),
               "--results", str(env.results)) == 2
    assert "internal error" not in capsys.readouterr().err
    [path] = record_paths(env.runs)
    lead3, bad = load_record(path).systems
    assert lead3.results[0].status == "ok"
    assert bad.results[0].status == "failed" and bad.results[0].failure.kind == "backend"
    assert bad.results[0].failure.message == ("the result holds text that is not valid Unicode "
                                              "(a lone surrogate, \\udcff)")


@pytest.mark.parametrize(("text", "where", "why"), [
    ('{"id": "a", "id": "b"}', "line 3, field id", "duplicate key 'id' (each key may appear once per object)"),
    ('{"a": {"x": 1, "x": 2}}', "line 3, field a.x", "duplicate key 'x'"),
    ('{"a": ["ok", "bad \\udcff"]}', "line 3, field a.1", "the text holds a lone surrogate escape"),
    ('{"bad \\ud800": 1}', "line 3, field bad \ud800", "a key holds a lone surrogate escape"),
])
def test_strict_json_refuses_duplicate_keys_and_lone_surrogates(text: str, where: str, why: str) -> None:
    with pytest.raises(DataError) as e:
        loads_strict(text, "f.jsonl", line=3)
    assert e.value.path == "f.jsonl" and e.value.where == where and e.value.message.startswith(why)
    assert loads_strict('{"a": "\\ud83d\\ude00", "b": [1, 2]}') == {"a": "\U0001f600", "b": [1, 2]}  # a pair is fine


def test_datasets_and_summary_files_refuse_duplicate_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = "The balloon flew over Montana on Thursday. Officials said it was Chinese."
    line = json.dumps({"id": "c1", "documents": [doc], "references": [doc, doc]})
    data = tmp_path / "ds.jsonl"
    data.write_text(line.replace('{"id": "c1"', '{"id": "c1", "id": "c2"') + "\n", encoding="utf-8")
    assert cli("validate", "--dataset", str(data)) == 2
    assert capsys.readouterr().err == (f"error: {data}:line 1, field id: duplicate key 'id' "
                                       "(each key may appear once per object)\n")
    env = make_env(tmp_path / "p")
    summaries = tmp_path / "s.jsonl"
    summaries.write_text('{"cluster": "balloon-2023-02", "system": "x", "summary": "A.", "summary": "B."}\n',
                         encoding="utf-8")
    assert cli("run", "-s", "files", "-o", f"path={summaries}", "--references", str(env.refs),
               "--results", str(env.results)) == 2
    assert capsys.readouterr().err == (f"error: {summaries}:line 1, field summary: duplicate key 'summary' "
                                       "(each key may appear once per object)\n")


def test_control_characters_never_reach_the_terminal_or_the_leaderboard(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    env = make_env(tmp_path)
    folder = _files_summary(env, ESC_SUMMARY)
    args = ("--references", str(env.refs), "--results", str(env.results))
    cli("run", "-s", "files", "-o", f"path={folder}", *args)
    assert "\x1b" not in (env.results / "LEADERBOARD.md").read_text(encoding="utf-8")
    assert "“It was \\x1b[8mhidden\\x1b[0m then.”" in (env.results / "LEADERBOARD.md").read_text(encoding="utf-8")
    capsys.readouterr()
    assert cli("show", "balloon-2023-02", *args) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b]0;PWNED" in out
    assert cli("leaderboard", "--results", str(env.results)) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[8mhidden" in out


def test_rich_text_keeps_its_styles_and_loses_controls_and_secrets() -> None:
    text = Text("ab\x1bc", style="dim")
    text.append("SECRETVALUE99 \x1b[2J", style="bold")
    safe = safe_text(text, Redactor().with_secrets("SECRETVALUE99"))
    assert safe.plain == "ab\\x1bc*** \\x1b[2J"
    assert [(safe.plain[s.start:s.end], str(s.style)) for s in safe.spans] == [("*** \\x1b[2J", "bold")]
    assert str(safe.style) == "dim" and text.plain == "ab\x1bcSECRETVALUE99 \x1b[2J"  # the original is untouched
    assert escape_controls("tab\tand\nnewline stay; \x00\x7f\x9b go") == "tab\tand\nnewline stay; \\x00\\x7f\\x9b go"


class _FullDisk:
    closed = False

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_names_the_record_and_abandon_keeps_that_error(tmp_path: Path) -> None:
    from evalsum.models import ClusterResult, Failure, RecordHeader, ResultLine, Settings

    header = RecordHeader(run_id="20260101T000000Z-00000000", created="2026-01-01T00:00:00+00:00", signature="s",
                          settings=Settings(), packages={}, systems=[])
    writer = RecordWriter(tmp_path / "runs", header)
    writer._fh.close()
    writer._fh = _FullDisk()  # type: ignore[assignment]
    line = ResultLine(system="x", cluster_files={}, result=ClusterResult(
        cluster_id="c", status="failed", failure=Failure(kind="bug", message="m")))
    with pytest.raises(DataError) as e:
        writer.add(line)
    assert str(e.value) == (f"{writer.partial}: cannot write the record: No space left on device; "
                            "free some space and rerun")
    writer.abandon()  # closing flushes and fails again: that must not replace the error above


def test_a_leaderboard_that_cannot_be_written_says_the_record_is_published(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    env = make_env(tmp_path)

    def full(results: Path, *args: Any, **kwargs: Any) -> Path:
        raise DataError(results / "leaderboard.json", None, "cannot write: No space left on device")

    monkeypatch.setattr(publish, "refresh_leaderboard", full)
    assert cli("run", "-s", "lead3", "--references", str(env.refs), "--results", str(env.results)) == 2
    [path] = record_paths(env.runs)
    assert capsys.readouterr().err == (
        f"error: {env.results}/leaderboard.json: cannot write: No space left on device (the record {path} is "
        "published; the leaderboard is not refreshed: rebuild it with `evalsum leaderboard`)\n")


@pytest.mark.skipif(sys.platform != "linux", reason="forkserver and /proc")
def test_sigkill_of_a_jobs_run_prints_nothing(tmp_path: Path) -> None:
    """multiprocessing's resource tracker used to warn about 'leaked semaphore objects' on the
    terminal after the parent was killed."""
    refs = tmp_path / "refs"
    synthetic_corpus(refs, 40)
    results = tmp_path / "results"
    proc = subprocess.Popen([sys.executable, "-m", "evalsum", "run", "-s", "lead3", "-s", "textrank", "--jobs", "2",
                             "--references", str(refs), "--results", str(results)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 30
    while not list((results / "cache").glob("??/*.json")) and time.monotonic() < deadline:  # workers at work
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=20)  # returns once every holder of stderr (the tracker too) is gone
    assert err == b""


@pytest.mark.parametrize(("value", "why"), [("2.0", "Input should be less than or equal to 1"),
                                            ("1e300", "Input should be less than or equal to 1"),
                                            ("-0.5", "Input should be greater than or equal to 0")])
def test_a_rouge_score_outside_0_1_in_a_record_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          value: str, why: str) -> None:
    """Finite is not enough: an F of 1e300 made the row an 'improvement' and the gate passed."""
    env = make_env(tmp_path)
    args = ("--references", str(env.refs), "--results", str(env.results))
    assert cli("run", "-s", "lead3", *args) == 0
    [path] = record_paths(env.runs)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    f = json.loads(lines[1])["result"]["scores"]["rouge"]["rouge2"]["f"]
    assert f'"f": {json.dumps(f)}' in lines[1]
    lines[1] = lines[1].replace(f'"f": {json.dumps(f)}', f'"f": {value}', 1)
    path.write_text("".join(lines), encoding="utf-8")
    capsys.readouterr()
    assert cli("leaderboard", "--results", str(env.results)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}:line 2, field result.scores.rouge.rouge2.f: {why}")


def test_jobs_are_bounded_by_the_machine_and_by_the_clusters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """`--jobs 99999` used to start workers until the machine gave up."""
    from evalsum.run import parallel

    env = make_env(tmp_path)
    args = ("--references", str(env.refs), "--results", str(env.results))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert cli("run", "-s", "lead3", "--jobs", "9", *args) == 2
    assert capsys.readouterr().err == "error: --jobs must be at most 8 on this machine (4 per CPU), got 9\n"
    started: list[int] = []
    real = parallel.run

    def spy(spec: Any, clusters: Any, jobs: int, window: int | None = None) -> Any:
        started.append(jobs)
        return real(spec, clusters, jobs, window)

    monkeypatch.setattr(parallel, "run", spy)
    assert cli("run", "-s", "lead3", "--jobs", "8", *args) == 0
    assert started == [1]  # one cluster: one worker, not eight


@pytest.mark.parametrize(("option", "why"), [("llm.deadline=inf", "Input should be a finite number"),
                                             ("llm.timeout=1e999", "Input should be a finite number"),
                                             ("llm.deadline=1e300", "Input should be less than or equal to 604800"),
                                             ("llm.backoff=1e300", "Input should be less than or equal to 604800")])
def test_backend_options_are_finite_and_fit_a_timer(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    option: str, why: str) -> None:
    """`-o deadline=inf` (or 1e300) overflowed a timer inside a thread: a traceback, then a 'bug'."""
    env = make_env(tmp_path)
    assert cli("run", "-s", "llm", "-o", option, "--references", str(env.refs), "--results", str(env.results)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: invalid option '{option.split('.')[1].split('=')[0]}' for system 'llm': {why}.")
    assert not env.runs.exists() or not record_paths(env.runs)


def test_a_timeout_too_large_for_a_timer_means_no_limit(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    assert cli("run", "-s", "lead3", "--timeout", "1e300", "--references", str(env.refs),
               "--results", str(env.results)) == 0
    assert _only_result(env).status == "ok"


def test_jobs_1_and_a_backend_that_ends_the_process_is_the_documented_choice(tmp_path: Path) -> None:
    """With --jobs 1 the backend runs in evalsum's process (README, "One machine"): os._exit ends
    the run with the backend's exit code and publishes nothing; --jobs 2 isolates it."""
    from tests.plugins import plugin_site

    env = make_env(tmp_path)
    site = plugin_site(tmp_path / "site")
    done = subprocess.run([sys.executable, "-m", "evalsum", "run", "-s", "lead3", "-s", "exits", "--references",
                           str(env.refs), "--results", str(env.results)], cwd=ROOT, capture_output=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(site)])})
    assert (done.returncode, done.stdout, done.stderr) == (3, b"", b"")
    assert record_paths(env.runs) == []


@pytest.mark.parametrize(("value", "why"), [("nan", "Input should be a finite number"),
                                            ("inf", "Input should be a finite number"),
                                            ("-1", "Input should be greater than or equal to 0")])
def test_a_gate_tolerance_that_would_switch_the_gate_off_is_refused(tmp_path: Path, value: str, why: str,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    env = make_env(tmp_path)
    args = ("--references", str(env.refs), "--results", str(env.results))
    assert cli("run", "-s", "lead3", *args) == 0
    assert cli("bless", "-s", "lead3", "--results", str(env.results)) == 0
    config = tmp_path / "gate.toml"
    config.write_text(f"[gate.metrics]\nrouge2_f = {{ tolerance = {value} }}\n", encoding="utf-8")
    capsys.readouterr()
    assert cli("check", "--config", str(config), "--results", str(env.results)) == 2
    assert capsys.readouterr().err == f"error: {config}:field gate.metrics.rouge2_f.tolerance: {why}\n"
