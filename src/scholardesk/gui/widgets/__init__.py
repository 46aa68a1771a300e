"""Widgets more than one area's page uses: empty-state overlays, remembered column widths,
search-hit highlighting."""
