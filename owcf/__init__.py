"""owcf: run the One Children's Workforce self-assessment on local files."""

__version__ = "0.1.0"
