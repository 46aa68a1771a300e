"""Use cases. Each public method is one user action and one transaction.

Kept light to import: heavy libraries (pandas, numpy, onnxruntime, arxiv, requests) are imported
inside the functions that need them, so the CLI and the GUI start fast.
"""
