"""The project file `briefing.yaml`: defaults for folders, formats, file names, paper and email.

It is validated like the content; options given on the command line override it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from .errors import ContentError, UsageError
from .load import load_yaml
from .models import TLP_MARKINGS, Line, Strict
from .validate import validate_model

CONFIG_NAME = "briefing.yaml"
Format = Literal["pdf", "docx", "html"]
FORMATS: tuple[Format, ...] = ("pdf", "docx", "html")
Folder = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\n\x00]*$")]


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


class Config(Strict):
    content: Folder = "content"
    seeds: Folder = "seeds"
    templates: Folder = "templates"
    output: Folder = "build"
    formats: list[Format] = Field(default_factory=lambda: ["pdf"], min_length=1)  # type: ignore[arg-type]
    filename: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9{}_.-]{1,120}$")] = (
        "briefing-{date}-v{version}"
    )
    paper: Literal["A4", "Letter"] = "A4"
    markings: list[Line] = Field(default_factory=lambda: list(TLP_MARKINGS), min_length=1)
    pdf_a: bool = False
    email: EmailSettings = Field(default_factory=EmailSettings)


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


def find_project(start: Path) -> Project:
    """Open the project at `start`: its briefing.yaml if present, else the defaults."""
    root = start.resolve()
    config_path = root / CONFIG_NAME
    if config_path.exists():
        loaded, problems = load_yaml(config_path, CONFIG_NAME)
        config = None
        if loaded is not None and not problems:
            config, problems = validate_model(Config, loaded)
        if problems or config is None:
            raise ContentError(problems)
    else:
        config = Config()
    project = Project(root, config)
    if not project.content_dir.is_dir():
        where = project.shown(project.content_dir)
        raise UsageError(
            f"{where}: no content folder here; run briefing in a project folder "
            f"(one with {config.content}/ and {config.seeds}/) or pass --project"
        )
    return project
