"""RunContext: what the runner hands every step."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar, overload

import yaml

from mfgdata.errors import ConfigError
from mfgdata.frames.uris import as_input
from mfgdata.pipeline.results import ImageIngestResult, IngestResult, PreprocessResult, StepData
from mfgdata.pipeline.step import StepResult
from mfgdata.settings import Settings

#: progress(step_name, fraction_done_0_to_1, message)
ProgressFn = Callable[[str, float, str], None]


def _no_progress(step: str, fraction: float, message: str) -> None:
    return None


@dataclass(frozen=True)
class BuildOptions:
    """What the user asked for. Frozen: steps read it, never change it."""

    inputs: tuple[Path | str, ...]  # a str is a URI (frames/uris.py)
    out: Path
    recipe: Path | None = None
    time_column: str | None = None
    target: str | None = None
    id_column: str | None = None
    sheet: str | None = None
    timezone: str | None = None  # None: settings.timezone
    product_id: str | None = None  # None: derived from the output folder name
    title: str | None = None
    semantics: Path | None = None  # an accepted semantics.yaml to reuse
    pricing: Path | None = None  # pricing inputs (pricing.yaml)
    task: str | None = None  # classification | regression | rul | anomaly (None: detected)
    encoding: str | None = None  # text encoding of CSV inputs (None: detected)
    raw_csv: bool = False  # data/table.csv without formula escaping (csvsafe.py)
    labels: Path | None = None  # labels file of an image product (issue 15)
    engine: str | None = None  # polars | spark (None: settings.engine; issue 19)
    spark_master: str | None = None  # None: settings.spark_master, else local[2]
    spark_scratch: str | None = None  # None: settings.spark_scratch, else the local work folder


#: option fields that name a file
_PATH_FIELDS = ("recipe", "semantics", "pricing", "labels")


def build_options(
    inputs: Sequence[Path | str], out: Path | str, values: Mapping[str, Any] | None = None
) -> BuildOptions:
    """The one way to make BuildOptions (CLI, jobs, demo): empty values keep their default, file
    options become paths, and a key BuildOptions does not know is refused (not dropped)."""
    known = {f.name for f in fields(BuildOptions)} - {"inputs", "out"}
    given = {k: v for k, v in (values or {}).items() if v is not None and v != ""}
    unknown = sorted(set(given) - known)
    if unknown:
        names = ", ".join(unknown)
        raise ConfigError(f"알 수 없는 빌드 옵션: {names}", f"unknown build option(s): {names}")
    for k in _PATH_FIELDS:
        if k in given:
            given[k] = Path(given[k])
    engine = given.get("engine")
    if engine is not None and engine not in ("polars", "spark"):
        raise ConfigError(
            f"알 수 없는 엔진: {engine} (polars 또는 spark)",
            f"unknown engine: {engine} (polars or spark)",
        )
    return BuildOptions(inputs=tuple(as_input(p) for p in inputs), out=Path(out), **given)


def renamed(recipe: Mapping[str, Any], name: str) -> str:
    """``name`` after the recipe's ``rename`` steps, in order (``a -> b`` then ``b -> c``)."""
    for step in recipe.get("steps", ()):
        if step.get("op") == "rename":
            name = step["mapping"].get(name, name)
    return name


def product_id_for(options: BuildOptions) -> str:
    """The one rule: ``--product-id``, else the output folder's name as a slug."""
    if options.product_id:
        return options.product_id
    slug = re.sub(r"[^0-9A-Za-z가-힣_.-]+", "-", options.out.name).strip("-")
    return slug or "product"


@dataclass(frozen=True)
class Facts:
    """The facts every step reads, settled in one place (:attr:`RunContext.facts`)."""

    product_id: str
    timezone: str
    #: the key columns as the table names them (see :meth:`RunContext.column`)
    time_column: str | None
    id_column: str | None
    target: str | None


T = TypeVar("T", bound=StepData)
U = TypeVar("U", bound=StepData)


def dump_json(obj: Any) -> str:
    """The one JSON form of product files: sorted keys, UTF-8, 2-space indent, newline."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2, default=str) + "\n"


def dump_yaml(obj: Any) -> str:
    return yaml.safe_dump(obj, allow_unicode=True, sort_keys=False, default_flow_style=False)


class ProductWriter:
    """Writes files into the product folder being built (a staging folder until the end)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: list[str] = []

    def path(self, rel: str) -> Path:
        """Absolute path for ``rel`` (parents created); the file counts as written."""
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root.resolve()):
            raise ValueError(f"path escapes the product folder: {rel}")
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel not in self.written:
            self.written.append(rel)
        return target

    def write_bytes(self, rel: str, data: bytes) -> Path:
        p = self.path(rel)
        p.write_bytes(data)
        return p

    def write_text(self, rel: str, text: str) -> Path:
        return self.write_bytes(rel, text.encode("utf-8"))

    def write_json(self, rel: str, obj: Any) -> Path:
        return self.write_text(rel, dump_json(obj))

    def write_yaml(self, rel: str, obj: Any) -> Path:
        return self.write_text(rel, dump_yaml(obj))


@dataclass
class RunContext:
    """Settings, the product being written, earlier results, lineage and progress."""

    run_id: str
    options: BuildOptions
    settings: Settings
    product: ProductWriter
    work_dir: Path  # scratch space, removed when the run ends
    results: dict[str, StepResult] = field(default_factory=dict)
    progress: ProgressFn = _no_progress
    #: wall-clock seconds of each finished step (the runner fills it; the price step reads it)
    seconds: dict[str, float] = field(default_factory=dict)
    #: the scratch Parquet file the frame handed to the running step is a plain scan of, written
    #: with the product's Parquet settings (None: the frame is not such a scan)
    table: Path | None = None
    #: every table written with the product's settings in this run, in order (tests read it)
    tables: list[Path] = field(default_factory=list)
    #: the Spark engine's scratch folder of this build once set up (``engine/scratch.py``)
    spark_scratch: Any = None
    #: run by the runner when the build ends, succeeded or failed, last first (scratch space a
    #: step set up outside the work folder: the Spark engine's shared scratch folder)
    closers: list[Callable[[], object]] = field(default_factory=list)

    def new_table(self) -> Path:
        """Where the next table with the product's Parquet settings goes (scratch space): the
        runner's materialised table, or the one a step writes in its own query (preprocess).
        A step that writes it returns its scan with ``StepResult.table`` set to this path."""
        path = self.work_dir / f"table-{len(self.tables)}.parquet"
        self.tables.append(path)
        return path

    @property
    def product_id(self) -> str:
        """The product id every step writes (settled once by :func:`product_id_for`)."""
        return product_id_for(self.options)

    @property
    def engine(self) -> str:
        """The engine of the data steps: ``--engine``, else the settings' (issue 19)."""
        return self.options.engine or self.settings.engine

    @property
    def timezone(self) -> str:
        return self.options.timezone or self.settings.timezone

    @property
    def facts(self) -> Facts:
        """Product id, zone and key columns by one rule: the options, the key columns as the
        table names them, the time column ingest found when no option names one."""
        return Facts(
            product_id=self.product_id,
            timezone=self.timezone,
            time_column=self.column("time_column"),
            id_column=self.column("id_column"),
            target=self.column("target"),
        )

    def column(self, option: str) -> str | None:
        """A column option (``time_column``, ``id_column``, ``target``) as the table names it:
        a raw header the user copied from the file, such as ``온도[°C]``, becomes its cleaned
        name ``온도``; any other name is kept (a recipe may derive it later). Once the recipe
        ran, its renames apply (``machine`` -> ``설비``: later steps read the renamed table).
        Without a ``time_column`` option: the time column ingest found, if any."""
        wanted = getattr(self.options, option)
        ingest = self.maybe(IngestResult, ImageIngestResult)
        if option == "time_column" and wanted is None and isinstance(ingest, IngestResult):
            wanted = ingest.time_column
        if not isinstance(wanted, str):
            return None
        columns = ingest.columns if ingest is not None else []
        if not any(c.get("name") == wanted for c in columns):
            wanted = next((str(c["name"]) for c in columns if c.get("raw_name") == wanted), wanted)
        cleaned = self.maybe(PreprocessResult)
        return renamed(cleaned.recipe, wanted) if cleaned is not None else wanted

    def step_result(self, step: str) -> StepResult | None:
        """The whole result of an earlier step (counts, files), or None if it did not run."""
        return self.results.get(step)

    @overload
    def maybe(self, kind: type[T], /) -> T | None: ...
    @overload
    def maybe(self, kind: type[T], other: type[U], /) -> T | U | None: ...
    def maybe(self, *kinds: type[StepData]) -> StepData | None:
        """The latest earlier result of one of these types, or None when no such step ran."""
        return self._find(kinds)

    def _find(self, kinds: tuple[type[StepData], ...]) -> StepData | None:
        for r in reversed(self.results.values()):
            if isinstance(r.data, kinds):
                return r.data
        return None

    @overload
    def result(self, kind: type[T], /) -> T: ...
    @overload
    def result(self, kind: type[T], other: type[U], /) -> T | U: ...
    def result(self, *kinds: type[StepData]) -> StepData:
        """The latest earlier result of one of these types; the step must have run."""
        found = self._find(kinds)
        if found is None:
            names = ", ".join(k.__name__ for k in kinds)
            raise LookupError(f"no earlier step produced {names}")
        return found
