"""The only package that does I/O with the outside world: HTTP clients and file parsers."""
