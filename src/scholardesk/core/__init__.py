"""Cross-cutting basics: errors, progress and cancellation, paths and settings, logging, i18n."""
