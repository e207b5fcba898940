"""The project file `briefing.yaml`: defaults for folders, formats, file names, paper, email and
the distribution policy (who may receive a briefing under each marking).

It is validated like the content; options given on the command line override it.
"""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from .errors import ContentError, FileRefused, Location, Problem, UsageError
from .load import Loaded, load_yaml
from .models import TLP_MARKINGS, Line, Strict
from .validate import validate_model

CONFIG_NAME = "briefing.yaml"
DEFAULT_CONTENT = "content"
Format = Literal["pdf", "docx", "html"]
FORMATS: tuple[Format, ...] = ("pdf", "docx", "html")
Folder = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\n]*$")]
Domain = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        max_length=253,
        pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$",
    ),
]
Signature = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class EmailSettings(Strict):
    host: Line | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    user: Line | None = None
    sender: Line | None = None
    to: list[Line] = Field(default_factory=list, max_length=200)
    cc: list[Line] = Field(default_factory=list, max_length=200)
    bcc: list[Line] = Field(default_factory=list, max_length=200)
    subject: Line | None = None
    ca_file: Folder | None = None
    timeout: float = Field(default=30.0, gt=0, le=600)
    attach: list[Literal["pdf", "docx"]] = Field(default_factory=lambda: ["pdf"], min_length=1)  # type: ignore[arg-type]
    greeting: Line = "Dear colleagues,"
    signature: Signature | None = None


class MarkingRule(Strict):
    """Who may receive a briefing under one marking; replaces that marking's default rule."""

    domains: list[Domain] | None = Field(default=None, max_length=200)
    addresses: list[Line] = Field(default_factory=list, max_length=500)


class Distribution(Strict):
    """The distribution policy. Markings without a rule of their own follow FIRST TLP 2.0:
    CLEAR goes to anyone; GREEN and AMBER to the organisation's and the listed domains;
    AMBER+STRICT to the organisation's own domains; RED only to addresses named for it."""

    organisation: list[Domain] = Field(default_factory=list, max_length=50)  # default: sender's
    domains: list[Domain] = Field(default_factory=list, max_length=200)
    markings: dict[Line, MarkingRule] = Field(default_factory=dict)


class Config(Strict):
    content: Folder = "content"
    seeds: Folder = "seeds"
    templates: Folder = "templates"
    output: Folder = "build"
    formats: list[Format] = Field(default_factory=lambda: ["pdf"], min_length=1)  # type: ignore[arg-type]
    # Checked further by filename_problems, which can say what is wrong with it.
    filename: Annotated[str, StringConstraints(min_length=1, max_length=120)] = (
        "briefing-{date}-v{version}"
    )
    paper: Literal["A4", "Letter"] = "A4"
    markings: list[Line] = Field(default_factory=lambda: list(TLP_MARKINGS), min_length=1)
    pdf_a: bool = False
    email: EmailSettings = Field(default_factory=EmailSettings)
    distribution: Distribution = Field(default_factory=Distribution)


@dataclass(frozen=True)
class Project:
    """Where everything lives, resolved against the project root."""

    root: Path
    config: Config

    @property
    def content_dir(self) -> Path:
        return self.root / self.config.content

    @property
    def seeds_dir(self) -> Path:
        return self.root / self.config.seeds

    @property
    def templates_dir(self) -> Path:
        return self.root / self.config.templates

    @property
    def output_dir(self) -> Path:
        return self.root / self.config.output

    def shown(self, path: Path) -> str:
        """A path as the user sees it in messages."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


def find_root(start: Path) -> Path | None:
    """The project folder: `start` or the nearest folder above it with briefing.yaml or content/.

    As git finds its repository, so every command works from content/, build/ or deeper.
    """
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file() or (folder / DEFAULT_CONTENT).is_dir():
            return folder
    return None


def find_project(start: Path) -> Project:
    """Open the project at or above `start`: its briefing.yaml if present, else the defaults."""
    if not start.is_dir():
        raise UsageError(f"{start}: no such folder; expected a briefing project folder")
    found = find_root(start)
    if found is None:
        raise UsageError(
            f"{start}: no briefing project here or in any folder above (none has {CONFIG_NAME} "
            f"or {DEFAULT_CONTENT}/); run briefing init to make one, or pass --project"
        )
    root = found
    config_path = root / CONFIG_NAME
    # A link is left to load_yaml, which confines it; a plain all-comment file sets nothing.
    commented_out = not config_path.is_symlink() and only_comments(config_path)
    if (config_path.exists() or config_path.is_symlink()) and not commented_out:
        loaded, problems = load_yaml(config_path, CONFIG_NAME, root)
        config = None
        if loaded is not None and not problems:
            config, problems = validate_model(Config, loaded)
        if config is not None and loaded is not None:
            problems += filename_problems(config, loaded) + output_problems(config, loaded)
            problems += distribution_problems(config, loaded)
        if problems or config is None:
            raise ContentError(problems)
    else:
        config, loaded = Config(), None
    if problems := folder_problems(root, config, loaded):
        raise ContentError(problems)
    project = Project(root, config)
    if not project.content_dir.is_dir():
        where = project.shown(project.content_dir)
        raise UsageError(
            f"{where}: no content folder here; run briefing in a project folder "
            f"(one with {config.content}/ and {config.seeds}/) or pass --project"
        )
    return project


def only_comments(path: Path) -> bool:
    """A briefing.yaml with every line commented out (as `briefing init` writes it) sets nothing."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False  # load_yaml says what is wrong with it
    return all(not line.strip() or line.lstrip().startswith("#") for line in lines)


FILENAME_FIELDS = {"date": 10, "version": 20}  # each field's longest value
MAX_NAME = 200  # characters of a file name without its extension; staging adds a few more


def filename_problems(config: Config, loaded: Loaded) -> list[Problem]:
    """The file name pattern may only make plain names: no paths, no hidden files, no surprises."""
    pattern = config.filename
    where = loaded.locate(("filename",))
    expected = "expected letters, digits, '-', '_', '.' and the fields {date} and {version}"

    def problem(message: str) -> list[Problem]:
        return [Problem(where, message, "filename")]

    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        return problem(f"unbalanced braces; {expected}, got {pattern!r}")
    longest = 0
    for literal, name, spec, conversion in parts:
        if not re.fullmatch(r"[A-Za-z0-9_.-]*", literal):
            return problem(f"{expected}, got {pattern!r}")
        longest += len(literal)
        if name is None:
            continue
        if name not in FILENAME_FIELDS or spec or conversion:
            field = (
                "{"
                + name
                + ("!" + conversion if conversion else "")
                + (":" + spec if spec else "")
                + "}"
            )
            return problem(f"unknown field {field}; the only fields are {{date}} and {{version}}")
        longest += FILENAME_FIELDS[name]
    if pattern.startswith("."):
        return problem(f"must not start with '.' (the files would be hidden), got {pattern!r}")
    if longest > MAX_NAME:
        return problem(
            f"makes file names of up to {longest} characters; at most {MAX_NAME} allowed"
        )
    return []


def folder_problems(root: Path, config: Config, loaded: Loaded | None) -> list[Problem]:
    """content:, seeds: and templates: are folders inside the project (a link inside is fine)."""
    from .files import confine

    data = loaded.data if loaded is not None and isinstance(loaded.data, dict) else {}
    problems = []
    for key in ("content", "seeds", "templates"):
        named = getattr(config, key)
        folder = os.path.normpath(named)
        if os.path.isabs(folder) or folder == os.pardir or folder.startswith(os.pardir + os.sep):
            message = "expected a folder inside the project (a relative path without '..')"
            assert loaded is not None  # the defaults are inside
            problems.append(Problem(loaded.locate((key,)), f"{message}, got {named!r}", key))
            continue
        try:
            confine(root / folder, root, named)
        except FileRefused as exc:
            if key in data and loaded is not None:
                problems.append(Problem(loaded.locate((key,)), str(exc), key))
            else:
                problems.append(Problem(Location(named), exc.reason))
    return problems


def output_problems(config: Config, loaded: Loaded) -> list[Problem]:
    """The output folder is a folder of its own inside the project, apart from the inputs."""
    output = os.path.normpath(config.output)
    data = loaded.data if isinstance(loaded.data, dict) else {}
    where = loaded.locate(("output",))
    if os.path.isabs(output) or output == os.pardir or output.startswith(os.pardir + os.sep):
        message = "expected a folder inside the project (a relative path without '..')"
        return [Problem(where, f"{message}, got {config.output!r}", "output")]
    if output == os.curdir:
        message = "expected a folder of its own inside the project, not the project folder"
        return [Problem(where, f"{message}, got {config.output!r}", "output")]
    for key in ("content", "seeds", "templates"):
        folder = os.path.normpath(getattr(config, key))
        named = getattr(config, key)
        if output == folder:
            relation = f"is the {key} folder"
        elif output.startswith(folder + os.sep):
            relation = f"is inside the {key} folder {named!r}"
        elif folder.startswith(output + os.sep):
            relation = f"holds the {key} folder {named!r}"
        else:
            continue
        field = "output" if "output" in data else key  # the line that made the clash
        return [
            Problem(
                loaded.locate((field,)),
                f"{config.output!r} {relation}; expected a folder of its own for the built "
                "files, such as 'build'",
                field,
            )
        ]
    return []


def distribution_problems(config: Config, loaded: Loaded) -> list[Problem]:
    """Each rule names a marking the project uses; TLP:RED names people, never whole domains;
    every address is one valid address."""
    problems: list[Problem] = []
    for marking, rule in config.distribution.markings.items():
        at = ("distribution", "markings", marking)
        field = f"distribution.markings.{marking}"
        if marking not in config.markings:
            problems.append(
                Problem(
                    loaded.locate((*at, "<key>")),
                    f"expected one of the markings {', '.join(config.markings)}, got {marking!r}",
                    field,
                )
            )
        if marking == "TLP:RED" and rule.domains is not None:
            problems.append(
                Problem(
                    loaded.locate((*at, "domains")),
                    "TLP:RED goes only to people named for this briefing; expected addresses, "
                    "not domains",
                    f"{field}.domains",
                )
            )
        problems += _address_problems(loaded, (*at, "addresses"), rule.addresses)
    email = config.email
    for key in ("to", "cc", "bcc"):
        problems += _address_problems(loaded, ("email", key), getattr(email, key))
    if email.sender:
        problems += _address_problems(loaded, ("email", "sender"), [email.sender], single=True)
    return problems


def _address_problems(
    loaded: Loaded, at: tuple[str, ...], addresses: list[str], *, single: bool = False
) -> list[Problem]:
    """Each address is exactly one plain mailbox (the check a send makes), located."""
    if not addresses:
        return []
    from .addresses import AddressError, validate_address

    problems = []
    for i, address in enumerate(addresses):
        where: tuple[str | int, ...] = at if single else (*at, i)
        try:
            validate_address(address)
        except AddressError as error:
            field = ".".join(at) + ("" if single else f"[{i}]")
            problems.append(Problem(loaded.locate(where), f"{address!r}: {error.reason}", field))
    return problems
