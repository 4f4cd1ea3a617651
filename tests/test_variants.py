"""System variants: the `-s` syntax, default labels, uniqueness, and the identity digests."""
from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from evalsum.errors import UsageError
from evalsum.run import identity
from evalsum.run.variants import check_unique, default_label, parse_system_arg


class Opts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    k: int = 3
    model: str = "m"
    base_url: str = "http://127.0.0.1:8080/v1"
    timeout: float = 60.0


class Required(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    path: str
    n: int = 1


@pytest.mark.parametrize(("text", "backend", "label", "options"), [
    ("lead3", "lead3", None, {}),
    ("lead-k[k=5]", "lead-k", None, {"k": "5"}),
    ("lead-k[]", "lead-k", None, {}),
    ("five=lead-k[k=5, lead=first-file]", "lead-k", "five", {"k": "5", "lead": "first-file"}),
    ("my plugin=acme.sum", "acme.sum", "my plugin", {}),
])
def test_system_arg_syntax(text: str, backend: str, label: str | None, options: dict[str, str]) -> None:
    arg = parse_system_arg(text)
    assert (arg.backend, arg.label, arg.options) == (backend, label, options)


@pytest.mark.parametrize(("text", "needle"), [
    ("lead-k[k]", "not key=value"),
    ("lead-k[k=1,k=2]", "given twice"),
    ("lead-k[k=5", "expected NAME"),
    ("|x=lead3", "label '|x'"),
    ("", "expected NAME"),
])
def test_bad_system_args_name_the_argument(text: str, needle: str) -> None:
    with pytest.raises(UsageError) as e:
        parse_system_arg(text)
    assert needle in str(e.value) and "--system" in str(e.value)


def test_default_label_lists_changed_output_options_in_declared_order() -> None:
    assert default_label("lead-k", Opts()) == "lead-k"
    assert default_label("lead-k", Opts(k=5)) == "lead-k[k=5]"
    assert default_label("llm", Opts(model="qwen2.5-0.5b", k=4)) == "llm[k=4,model=qwen2.5-0.5b]"
    # transport options never show, whatever their value
    assert default_label("llm", Opts(timeout=5, base_url="http://localhost:1/v1"), {"timeout", "base_url"}) == "llm"
    # a required option always shows; an unsafe value shows as a short digest
    assert default_label("files", Required(path="runs/a")) == "files[path=runs/a]"
    assert default_label("files", Required(path="a b|c")) == "files[path=sha:" + \
        __import__("hashlib").sha256(b"a b|c").hexdigest()[:8] + "]"


def test_two_systems_with_one_label_is_an_error_naming_both() -> None:
    check_unique(["random[seed=1]", "random[seed=2]"])
    with pytest.raises(UsageError) as e:
        check_unique(["lead3", "random", "random"])
    assert "systems 2 and 3" in str(e.value) and "'random'" in str(e.value)


def test_output_options_leave_out_transport() -> None:
    assert identity.output_options(Opts(timeout=1), {"timeout", "base_url"}) == {"k": 3, "model": "m"}


def test_code_digest_follows_the_backends_own_imports() -> None:
    from evalsum.systems.lead import Lead3
    from evalsum.systems.llm import LLM

    srcs = identity.module_sources("evalsum.systems.llm", "evalsum.systems")
    assert {"evalsum.systems.llm", "evalsum.systems.chat_http", "evalsum.systems.markdown"} <= set(srcs)
    assert set(identity.module_sources("evalsum.systems.lead", "evalsum.systems")) == {"evalsum.systems.lead"}
    a, b = identity.code_digest(Lead3), identity.code_digest(LLM)
    assert len(a) == 16 and a != b and a == identity.code_digest(Lead3)


def test_code_digest_changes_with_the_source_on_disk(tmp_path, monkeypatch) -> None:
    pkg = tmp_path / "acme_sum"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "helpers.py").write_text("def centrality(x):\n    return x\n")
    (pkg / "backend.py").write_text("from acme_sum.helpers import centrality\n\nclass B:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    mod = importlib.import_module("acme_sum.backend")
    before = identity.code_digest(mod.B)
    assert set(identity.module_sources("acme_sum.backend", "acme_sum")) == {"acme_sum.backend", "acme_sum.helpers"}
    (pkg / "helpers.py").write_text("def centrality(x):\n    return -x\n")  # the regression of issue 13
    assert identity.code_digest(mod.B) != before


def test_input_digest_is_of_the_prepared_text_not_the_files() -> None:
    from evalsum.models import Prepared, PreparedDocument, Sentence

    def prep(text: str) -> Prepared:
        s = Sentence(text=text, doc_id="d", index=0)
        return Prepared(cluster_id="c", title="t", documents=[PreparedDocument(id="d", date=None, sentences=[s],
                                                                                dropped=[])])
    assert identity.input_digest(prep("A.")) == identity.input_digest(prep("A."))
    assert identity.input_digest(prep("A.")) != identity.input_digest(prep("A. B."))
    assert identity.input_digest(prep("A.")) != identity.input_digest(prep("A."), ["ref"])
