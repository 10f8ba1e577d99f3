"""Writes that change a worker's figures mark the worker dirty (and nothing more)."""


def connect() -> None:
    pass
