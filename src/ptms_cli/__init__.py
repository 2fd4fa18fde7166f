"""ptms — boîte à outils pour un projet territorial de médiation sociale."""

__version__ = "0.1.0"
