"""Typer sub-apps, one module per noun: parse the arguments, call the store, render with `output`."""
