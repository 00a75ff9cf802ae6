"""kvcli: a local, offline twin of `az keyvault`. Imports nothing, so start-up stays cheap."""

__version__ = "0.1.0"
