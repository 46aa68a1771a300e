"""onnxruntime sessions, execution providers, task adapters and benchmarking."""
