"""The validator of the project model, built by pydantic once per version of the model, then reread.

Generating the core schema of `Project` (about forty classes) is the largest part of the start-up of
`ptms validate` (issue 18). That schema depends only on the model's source (the modules of
`ptms_cli.model` and `ptms_cli.referential`) and on the versions of Python, pydantic and
pydantic-core: it is saved (pickle) in the user's cache directory under a key made of all of them,
and reread by the next processes, which only hand it to pydantic-core (`SchemaValidator`,
`SchemaSerializer`) — what pydantic itself does with the schema it generates. The classes that
validating `Project` instantiates by themselves (a section's `default_factory=Processing`) are saved
with it: otherwise pydantic would build theirs during the first validation.

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
from collections.abc import Iterator
from pathlib import Path
from types import FunctionType
from typing import Any, get_args

# What the pickled schema may name, checked when reading (a file in the cache directory is not
# trusted): the classes and functions defined in the model's modules, a few value types, and
# `getattr` only on a model class for a public name or pydantic's hook (how pickle names a method).
_MODEL_MODULES = ("ptms_cli.model", "ptms_cli.referential")
_VALUE_TYPES = {("builtins", n) for n in ("dict", "list", "tuple", "set", "frozenset")} | {
    ("decimal", "Decimal"), ("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"),
    ("datetime", "timedelta"), ("datetime", "timezone")}
_HOOKS = {"__get_pydantic_json_schema__", "__get_pydantic_core_schema__"}
_FORMAT = 2  # bump when what is saved changes
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


def _read(path: Path, names: list[str]) -> dict[str, tuple[Any, Any]] | None:
    """{class name: (schema, config)} for each of `names`, or None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        saved = _Unpickler(io.BytesIO(data)).load()
        if not isinstance(saved, dict) or sorted(saved) != sorted(names):
            return None
        return {name: (schema, config) for name, (schema, config) in saved.items()}
    except Exception:  # noqa: BLE001  # truncated, foreign or stale: pydantic builds instead
        return None


def _write(path: Path, saved: dict[str, tuple[Any, Any]]) -> None:
    data = pickle.dumps(saved, protocol=pickle.HIGHEST_PROTOCOL)
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


def factory_models(cls: Any) -> list[Any]:
    """The model classes that validating `cls` instantiates by themselves (a field's
    `default_factory` is a model class): each runs its own validator."""
    from pydantic import BaseModel

    def models_in(annotation: Any) -> Iterator[Any]:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield annotation
        for arg in get_args(annotation):
            yield from models_in(arg)

    seen: set[Any] = set()
    found: list[Any] = []
    todo = [cls]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for field in model.model_fields.values():
            factory = field.default_factory
            if isinstance(factory, type) and issubclass(factory, BaseModel) and factory not in found:
                found.append(factory)
            todo.extend(models_in(field.annotation))
    return sorted(found, key=lambda c: (c.__module__, c.__qualname__))


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
    """Make the model class `cls` (built with `defer_build=True`), and the classes it instantiates by
    itself (`factory_models`), ready to validate: from the cache when it holds this model's schemas,
    else by pydantic (and the cache is written). Returns how: "cache", "built" (and saved) or
    "built-only" (no usable cache); `HOW` gets it for each class."""
    classes = [cls, *factory_models(cls)]
    try:
        directory = cache_dir()
        path = directory / f"model-{_key()}.pickle" if directory else None
    except OSError:
        path = None
    how = _complete(classes, path)
    for c in classes:
        HOW[c.__name__] = how
    return how


def _name(cls: Any) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _complete(classes: list[Any], path: Path | None) -> str:
    names = [_name(c) for c in classes]
    cached = _read(path, names) if path else None
    if cached is not None:
        try:
            for c in classes:
                _install(c, *cached[_name(c)])
            return "cache"
        except Exception:  # noqa: BLE001  # a schema this pydantic-core refuses: build it
            pass
    for c in classes:
        c.model_rebuild(force=True)
    if path is None:
        return "built-only"
    try:
        from pydantic._internal._config import ConfigWrapper

        saved = {_name(c): (c.__pydantic_core_schema__,
                                  ConfigWrapper(c.model_config, check=False).core_config(title=c.__name__))
                 for c in classes}
        _write(path, saved)
    except Exception:  # noqa: BLE001  # read-only home, full disk, unpicklable schema: no cache, same result
        return "built-only"
    return "built"


# --- pydantic's plugin loader -------------------------------------------------------------------

_LOADER = "pydantic.plugin._loader"
_PLUGINS_OFF = ("__all__", "1", "true")  # the values for which pydantic's loader returns no plugin


def skip_plugin_discovery() -> None:
    """While pydantic's plugins are disabled (`PYDANTIC_DISABLE_PLUGINS`, which ptms sets), do not
    import pydantic's plugin loader, nor with it `importlib.metadata` (≈ 20 ms of `ptms validate`'s
    start-up): pydantic imports it the first time it builds a validator — typer builds one for each
    option it parses — only to learn that there is no plugin.

    A stand-in takes its place in `sys.modules`: `get_plugins()` gives the same answer, no plugin,
    while they are disabled; otherwise, and for any other name, the real loader is imported then and
    answers. Does nothing when plugins are enabled or the loader is already imported."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in _PLUGINS_OFF or _LOADER in sys.modules:
        return
    import importlib
    import types

    stand_in = types.ModuleType(_LOADER, "Stand-in for pydantic's plugin loader (ptms_cli.model_cache).")

    def real() -> Any:
        if sys.modules.get(_LOADER) is stand_in:
            del sys.modules[_LOADER]
        return importlib.import_module(_LOADER)

    def get_plugins() -> Any:
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in _PLUGINS_OFF:
            return ()
        return real().get_plugins()

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):  # what the import system asks of any module (`__path__`…)
            raise AttributeError(name)
        return getattr(real(), name)

    vars(stand_in).update(get_plugins=get_plugins, __getattr__=__getattr__)
    sys.modules[_LOADER] = stand_in
