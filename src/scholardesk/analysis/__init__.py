"""Statistics and metrics (pandas / numpy): data in, plain results out. No I/O, no SQL."""
