"""briefing: source documents in, a checked policy briefing out (PDF, DOCX, HTML, email)."""

__version__ = "0.1.0"
