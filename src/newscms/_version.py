"""The installed newscms version, read by the build backend and by ``newscms.__version__``."""

__version__ = "0.1.0"
