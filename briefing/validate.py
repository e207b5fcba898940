"""Turn parsed YAML into validated models, with every problem located at file:line:column."""

from __future__ import annotations

import difflib
import re
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .load import Loaded, dotted

M = TypeVar("M", bound=BaseModel)

_TYPE_NAMES = {dict: "a mapping of fields", list: "a list", str: "text"}


def validate_model(model: type[M], loaded: Loaded) -> tuple[M | None, list[Problem]]:
    """Validate one file's data; on failure, every error is reported with its location."""
    if not isinstance(loaded.data, dict):
        return None, [
            Problem(
                loaded.locate(()),
                f"expected a mapping of fields at the top of the file, got {_kind(loaded.data)}",
            )
        ]
    try:
        return model.model_validate(loaded.data), []
    except ValidationError as exc:
        problems = [_problem(model, loaded, error) for error in exc.errors(include_url=False)]
        return None, problems


def _problem(model: type[BaseModel], loaded: Loaded, error: Any) -> Problem:
    at = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        location = loaded.locate((*at[:-1], at[-1], "<key>"))
        if location == loaded.locate(()):
            location = loaded.locate(at)
    else:
        location = loaded.locate(at)
    return Problem(location, _message(model, at, error), dotted(at))


def _message(model: type[BaseModel], at: tuple[Any, ...], error: Any) -> str:
    kind = error["type"]
    value = error.get("input")
    context = error.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, at[:-1])
        close = difflib.get_close_matches(str(at[-1]), allowed, n=1)
        hint = (
            f"; did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(allowed)}"
        )
        return f"unknown field '{at[-1]}'{hint}"
    if kind in ("list_type", "dict_type", "model_type", "string_type", "model_attributes_type"):
        want = {"list_type": "a list", "string_type": "text"}.get(kind, "a mapping of fields")
        return f"expected {want}, got {_kind(value)}"
    if kind == "string_pattern_mismatch":
        return _pattern_message(str(context.get("pattern", "")), value)
    if kind == "string_too_short":
        if context.get("min_length") == 1:
            return "must not be empty"
        return f"must be at least {context.get('min_length')} characters"
    if kind == "string_too_long":
        return f"is {len(str(value)):,} characters; at most {context.get('max_length'):,} allowed"
    if kind == "too_long":
        return f"has {len(value):,} entries; at most {context.get('max_length'):,} allowed"
    if kind == "too_short":
        return f"needs at least {context.get('min_length')} entries"
    if kind.startswith("decimal") or kind in ("finite_number", "plain_number"):
        hint = f"; {context['hint']}" if context.get("hint") else ""
        expected = "expected a plain number such as 1.2 or 1882 (no units or commas)"
        return f"{expected}, got {_got(value)}{hint}"
    if kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        bound = {
            "less_than_equal": "of at most",
            "greater_than_equal": "of at least",
            "less_than": "below",
            "greater_than": "above",
        }[kind]
        limit = next(iter(context.values()), "")
        return f"expected a number {bound} {_number(limit)}, got {_got(value)}"
    if kind.startswith("date"):
        wrong = _impossible_date(value)
        if wrong:
            return f"{wrong}, got {_got(value)}"
        return f"expected a date written YYYY-MM-DD, got {_got(value)}"
    if kind == "literal_error":
        return f"expected one of {context.get('expected')}, got {_got(value)}"
    return str(error["msg"])


def _impossible_date(value: Any) -> str | None:
    """For a date written YYYY-MM-DD that does not exist, which part is wrong."""
    import calendar

    found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value))
    if not found:
        return None
    year, month, day = (int(part) for part in found.groups())
    if not 1 <= month <= 12:
        return f"month {month} does not exist (months are 01 to 12)"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        name = calendar.month_name[month]
        return f"day {day} does not exist: {name} {year} has {days} days"
    return None


def _pattern_message(pattern: str, value: Any) -> str:
    if "a-z0-9]+(?:-" in pattern:
        return f"expected an id of lowercase letters, digits and single hyphens, got {_got(value)}"
    if r"\.(txt|md)" in pattern:
        return f"expected a file name in seeds/ ending in .txt or .md, got {_got(value)}"
    if "[^\\n" in pattern:
        separator = next((c for c in str(value) if c in "\u2028\u2029"), None)
        if separator is not None:  # editors show them inside the line; mail and PDF break there
            name = "LINE SEPARATOR" if separator == "\u2028" else "PARAGRAPH SEPARATOR"
            return f"must be a single line; it holds U+{ord(separator):04X} ({name}), remove it"
        return "must be a single line (no line breaks)"
    if "(?:\\.[A-Za-z0-9]" in pattern:
        return f"expected a domain such as example.org, got {_got(value)}"
    if "[a-z]{2,3}" in pattern:
        return f"expected a language tag such as 'en' or 'zh-Hans', got {_got(value)}"
    return f"does not have the expected form, got {_got(value)}"


def _got(value: Any) -> str:
    """The value as the message quotes it: repr, so invisible characters show; long ones cut."""
    if value is None:
        return _kind(value)
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:57]) + " …"
    return repr(value)


def _number(limit: Any) -> str:
    """A bound from an error's context (pydantic gives a Decimal as its repr) as 1,000,000."""
    text = str(limit)
    quoted = re.fullmatch(r"Decimal\('(.*)'\)", text)
    try:
        return format(Decimal(quoted.group(1) if quoted else text), ",f")
    except InvalidOperation:
        return text


def _kind(value: Any) -> str:
    if value is None:
        return "an empty value"  # YAML null: the field was left empty
    if isinstance(value, str):
        return "empty text" if not value else "text"
    for python_type, name in _TYPE_NAMES.items():
        if isinstance(value, python_type):
            return name
    return type(value).__name__


def _allowed_fields(model: type[BaseModel], at: tuple[Any, ...]) -> list[str]:
    """The field names allowed at a path of the model, for 'did you mean' hints."""
    current: Any = model
    for part in at:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        if field is None:
            return []
        current = _inner_model(field.annotation)
    return list(current.model_fields) if hasattr(current, "model_fields") else []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
