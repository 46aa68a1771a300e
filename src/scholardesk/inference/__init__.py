"""onnxruntime sessions, execution providers, task adapters and benchmarking (no database,
no Qt). onnxruntime, onnx and numpy are imported inside functions so that importing this package
stays light."""
