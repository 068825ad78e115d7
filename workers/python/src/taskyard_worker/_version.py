"""The kit's version, as sent to Taskyard in RegisterWorker's `sdk` field."""

__version__ = "0.1.0"
SDK = f"taskyard-worker-python/{__version__}"
