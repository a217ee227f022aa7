"""newscms: a headless CMS content library for news publishers."""

from newscms._version import __version__

__all__ = ["__version__"]
