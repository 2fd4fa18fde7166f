"""The validator of the project model, built by pydantic once per version of the model, then reread.

Generating the core schema of `Project` (about forty classes) is the largest part of the start-up of
`ptms validate` (issue 18). That schema depends only on the model's source (the modules of
`ptms_cli.model` and `ptms_cli.referential`) and on the versions of Python, pydantic and
pydantic-core: it is saved (pickle) in the user's cache directory under a key made of all of them,
and reread by the next processes, which only hand it to pydantic-core (`SchemaValidator`,
`SchemaSerializer`) — what pydantic itself does with the schema it generates.

The model stays the one definition: the cache is only ever written from pydantic's own build, and
anything unexpected (no cache directory, a file unreadable, stale or written by someone else, a
class or function from outside the model's modules) falls back to pydantic's build: the cache can
save time, never change a result. `PTMS_CACHE_DIR` chooses the directory (empty: no cache);
otherwise `$XDG_CACHE_HOME/ptms` or `~/.cache/ptms`.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
from pathlib import Path
from types import FunctionType
from typing import Any

# What the pickled schema may name, checked when reading (a file in the cache directory is not
# trusted): the classes and functions defined in the model's modules, a few value types, and
# `getattr` only on a model class for a public name or pydantic's hook (how pickle names a method).
_MODEL_MODULES = ("ptms_cli.model", "ptms_cli.referential")
_VALUE_TYPES = {("builtins", n) for n in ("dict", "list", "tuple", "set", "frozenset")} | {
    ("decimal", "Decimal"), ("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"),
    ("datetime", "timedelta"), ("datetime", "timezone")}
_HOOKS = {"__get_pydantic_json_schema__", "__get_pydantic_core_schema__"}
_FORMAT = 1  # bump when what is saved changes
_KEEP = 8  # cache files kept (the most recently written)

HOW: dict[str, str] = {}
"""How each class was completed by `complete` (class name -> its return value), for the tests."""


def cache_dir() -> Path | None:
    """Where the schema is kept, or None when there is no cache (`PTMS_CACHE_DIR=`)."""
    chosen = os.environ.get("PTMS_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no home directory
        return None
    return base / "ptms"


def _is_model_module(name: str) -> bool:
    return any(name == m or name.startswith(m + ".") for m in _MODEL_MODULES)


def _key() -> str:
    """Versions of Python, pydantic and pydantic-core, and the source of the model's modules."""
    import pydantic
    import pydantic_core

    digest = hashlib.sha256(f"{_FORMAT}|{sys.version}|{pydantic.VERSION}|{pydantic_core.__version__}".encode())
    for name in sorted(n for n in list(sys.modules) if _is_model_module(n)):
        file = getattr(sys.modules[name], "__file__", None)
        if not file:
            raise OSError(f"no source for {name}")
        digest.update(name.encode() + b"\0" + Path(file).read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _model_attribute(obj: Any, name: str) -> Any:
    if isinstance(obj, type) and _is_model_module(obj.__module__) and (not name.startswith("_") or name in _HOOKS):
        return getattr(obj, name)
    raise pickle.UnpicklingError(f"attribute {name} refused")


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("builtins", "getattr"):
            return _model_attribute
        if (module, name) in _VALUE_TYPES:
            return super().find_class(module, name)
        if _is_model_module(module):
            found = super().find_class(module, name)
            if isinstance(found, (type, FunctionType)) and _is_model_module(found.__module__):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of the model")


def _read(path: Path) -> tuple[Any, Any] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        schema, config = _Unpickler(io.BytesIO(data)).load()
    except Exception:  # noqa: BLE001  # truncated, foreign or stale: pydantic builds instead
        return None
    return schema, config


def _write(path: Path, schema: Any, config: Any) -> None:
    data = pickle.dumps((schema, config), protocol=pickle.HIGHEST_PROTOCOL)
    _Unpickler(io.BytesIO(data)).load()  # only what `_read` accepts (raises otherwise)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)  # readers see the whole file or none
    finally:
        temporary.unlink(missing_ok=True)
    # one file per model version met (installed versions, or a developer's edits): keep the latest few
    older = sorted(path.parent.glob("model-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)[_KEEP:]
    for old in older:
        old.unlink(missing_ok=True)


def _install(cls: Any, schema: Any, config: Any) -> None:
    """What pydantic does once it has generated the schema (`complete_model_class`)."""
    from pydantic_core import SchemaSerializer, SchemaValidator

    validator = SchemaValidator(schema, config)
    serializer = SchemaSerializer(schema, config)
    cls.__pydantic_core_schema__ = schema
    cls.__pydantic_validator__ = validator
    cls.__pydantic_serializer__ = serializer
    cls.__pydantic_complete__ = True


def complete(cls: Any) -> str:
    """Make the model class `cls` (built with `defer_build=True`) ready to validate: from the cache
    when it holds this model's schema, else by pydantic (and the cache is written). Returns how:
    "cache", "built" (and saved) or "built-only" (no usable cache)."""
    try:
        directory = cache_dir()
        path = directory / f"model-{_key()}.pickle" if directory else None
    except OSError:
        path = None
    HOW[cls.__name__] = how = _complete(cls, path)
    return how


def _complete(cls: Any, path: Path | None) -> str:
    cached = _read(path) if path else None
    if cached is not None:
        try:
            _install(cls, *cached)
            return "cache"
        except Exception:  # noqa: BLE001  # a schema this pydantic-core refuses: build it
            pass
    cls.model_rebuild(force=True)
    if path is None:
        return "built-only"
    try:
        from pydantic._internal._config import ConfigWrapper

        config = ConfigWrapper(cls.model_config, check=False).core_config(title=cls.__name__)
        _write(path, cls.__pydantic_core_schema__, config)
    except Exception:  # noqa: BLE001  # read-only home, full disk, unpicklable schema: no cache, same result
        return "built-only"
    return "built"
