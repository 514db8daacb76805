"""On-device models (ONNX through onnxruntime), verified against models/manifest.json."""
