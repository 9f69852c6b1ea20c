"""kg: curated knowledge graphs with evidence for every fact."""

__version__ = "0.1.0"
