"""The one orchestration: a source → document → report → findings → score card.

Every entry point calls this module: the command line (``extract``, ``check``, ``score``), the
review workspace (uploads and re-analysis, ``jixiao.store``), batch runs and the tests. Nothing
else loads, extracts, reviews and scores in sequence.

* :func:`analyse` — a file path, or bytes with their file name (:func:`load_bytes` reads them alone); :func:`analyse_text` — text that is
  already normalised (the rule cases); :func:`analyse_document` — a loaded document.
* :func:`review_report` — the rules alone, over any report and its text: one just extracted, a
  stored one, or one a reviewer corrected.
* :func:`analyse_batch` — several sources, one :class:`Outcome` each; a file that cannot be read
  is an outcome with its Chinese reason, never the end of the batch.

:class:`Options` say what to do (review on or off, which rules, thresholds, scoring and framework,
the user's data folder). A source that cannot be read raises :class:`~jixiao.errors.IngestError`;
an unexpected failure while analysing it raises :class:`~jixiao.errors.InternalError` (an
``IngestError`` too, naming the file). A rule that fails does not raise: it becomes an
``internal-error`` finding naming the rule.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.errors import IngestError, InternalError, JixiaoError
from jixiao.extract import extract
from jixiao.ingest import Document, Table, load
from jixiao.ingest.archive import REPORT_SUFFIXES
from jixiao.lexicon import data_dir, pinned, use_data
from jixiao.model import Finding, Report
from jixiao.review import INTERNAL_ERROR, ReviewInput, default_config, run_rules
from jixiao.review.locate import locate
from jixiao.score import FormScore, FrameworkError, ScoreCard, score, score_forms

log = logging.getLogger("jixiao")
# file name suffixes kept when bytes are written to a temporary file for reading
_SUFFIXES = REPORT_SUFFIXES


@dataclass(frozen=True)
class Options:
    """What an analysis does.

    Attributes:
        review: run the review rules (``report.findings``); off, the report has no findings.
        select: the rules to run (ids, codes such as ``J101``, or retired ids), None for all.
        ignore: rules not to run.
        config: the review thresholds (:func:`jixiao.review.load_config`); None for the defaults
            of data/review.yaml. Its ``select`` / ``ignore`` apply when the options give none.
        score: score the report (:class:`~jixiao.score.ScoreCard`).
        framework: the scoring framework id; None to choose it from the report.
        form_rules: the rules its project forms are scored again under (``data/form_rules``); None to
            choose them from the report.
        data: the user's data folder (``--data``); applies to the whole process
            (:func:`jixiao.lexicon.use_data`), None to leave the current one.
    """

    review: bool = True
    select: Sequence[str] | None = None
    ignore: Sequence[str] = ()
    config: Mapping[str, Any] | None = None
    score: bool = False
    framework: str | None = None
    form_rules: str | None = None
    data: Path | str | None = None


@dataclass
class Analysis:
    """The result of analysing one source.

    Attributes:
        document: the loaded document (normalised text, offset map, tables).
        report: what was extracted; ``report.findings`` holds the findings when reviewed.
        score: the score card, when scoring was asked for and the report could be scored.
        score_error: why there is no score card although one was asked for.
        forms: each project form scored again under its form rules (when scoring was asked for).
    """

    document: Document
    report: Report
    score: ScoreCard | None = None
    score_error: str | None = None
    forms: list[FormScore] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """The findings (empty when the review was off)."""
        return self.report.findings or []

    @property
    def internal_errors(self) -> list[Finding]:
        """The ``internal-error`` findings: rules that failed on this document (the check is incomplete)."""
        return [f for f in self.findings if f.rule == INTERNAL_ERROR]


@dataclass
class Outcome:
    """One source of a batch: its analysis, or the error that stopped it."""

    source: str
    analysis: Analysis | None = None
    error: IngestError | None = field(default=None)


DEFAULT = Options()


def analyse(source: str | Path | bytes, options: Options = DEFAULT, *, name: str | None = None) -> Analysis:
    """Analyse a file (a path) or a file held in memory (bytes, with its file ``name``)."""
    if isinstance(source, bytes):
        if name is None:
            raise ValueError("analysing bytes needs the file name")
        return _guarded(name, lambda: _load_bytes(source, name), options)
    return _guarded(str(source), lambda: load(source), options)


def load_bytes(data: bytes, name: str) -> Document:
    """Read a file held in memory without analysing it (for a caller that checks the document's size
    and content before extraction); :class:`IngestError` when it cannot be read, an unexpected
    failure as :class:`InternalError` naming the file."""
    try:
        return _load_bytes(data, name)
    except JixiaoError:
        raise
    except Exception as err:  # noqa: BLE001 - reported per file
        raise InternalError(name, err) from err


def analyse_text(text: str, options: Options = DEFAULT, *, source: str = "<text>", fmt: str = "txt",
                 tables: Sequence[Table] = ()) -> Analysis:
    """Analyse already normalised text (and the tables whose cells index it)."""
    document = Document(source=source, format=fmt, text=text, origin=text, offsets=list(range(len(text) + 1)),
                        tables=list(tables))
    return analyse_document(document, options)


def analyse_document(document: Document, options: Options = DEFAULT) -> Analysis:
    """Extract, review and score a loaded document, as ``options`` say."""
    _use_data(options.data)
    with pinned():
        return _analyse_document(document, options)


def _analyse_document(document: Document, options: Options) -> Analysis:
    report = extract(document)
    if options.review:
        report.findings = review_report(report, document.text, document.tables, options)
    analysis = Analysis(document=document, report=report)
    if options.score:
        analysis.forms = score_forms(report, options.form_rules)
        try:
            analysis.score = score(report, options.framework)
        except FrameworkError as err:
            if options.framework is not None:
                raise  # the framework asked for does not exist or is invalid: the caller's to fix
            analysis.score_error = str(err)
        except Exception as err:  # noqa: BLE001 - a report without a score card is still useful
            log.info("no score card for %s", document.source, exc_info=True)
            analysis.score_error = f"{type(err).__name__}: {err}"
    return analysis


def review_report(report: Report, text: str, tables: Sequence[Table] = (),
                  options: Options = DEFAULT) -> list[Finding]:
    """The findings of the selected rules over ``report``, whose spans index ``text``."""
    config = dict(options.config) if options.config is not None else default_config()
    select = options.select if options.select is not None else config.get("select")
    ignore = options.ignore or config.get("ignore") or ()
    ri = ReviewInput.build(report, text, tables, config)
    return locate(run_rules(ri, select=select, ignore=ignore), ri)


def analyse_batch(sources: Iterable[str | Path], options: Options = DEFAULT) -> Iterator[Outcome]:
    """Analyse files one by one; each gives an :class:`Outcome`, with the error when it failed."""
    for source in sources:
        try:
            yield Outcome(str(source), analysis=analyse(source, options))
        except IngestError as err:
            yield Outcome(str(source), error=err)


def _guarded(path: str, read, options: Options) -> Analysis:
    """Read and analyse; an unexpected failure becomes an InternalError naming the file."""
    try:
        _use_data(options.data)
        with pinned():
            return analyse_document(read(), options)
    except JixiaoError:  # an unreadable file, an invalid data file or framework, an unknown rule
        raise
    except Exception as err:  # noqa: BLE001 - reported per file, a batch goes on
        log.debug("internal error on %s", path, exc_info=True)
        raise InternalError(path, err) from err


def _load_bytes(data: bytes, name: str) -> Document:
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="jixiao-") as tmp:
        path = Path(tmp) / f"upload{suffix if suffix in _SUFFIXES else '.bin'}"
        path.write_bytes(data)
        return load(path, source=name)


def _use_data(folder: Path | str | None) -> None:
    """Switch to the user's data folder, unless it is already in use (switching drops the caches)."""
    if folder is not None and data_dir() != Path(folder).expanduser().resolve():
        use_data(folder)
