#!/usr/bin/env bash
# Regenerates Sources/ONNXProto/onnx.pb.swift, the SwiftProtobuf messages of ONNX's ModelProto. Run it only when
# moving to a newer onnx schema or swift-protobuf; CI never runs it and never builds the plugin.
#
# Made with: onnx 1.23.2 (its onnx/onnx-ml.proto, syntax proto2; onnx 1.23 ships no .proto3 variant, and the wire
# format is the same), protoc 3.21.12 (Debian's protobuf-compiler), protoc-gen-swift 1.39.0 built from
# apple/swift-protobuf at tag 1.39.0 (the version Package.swift depends on). onnx-ml.proto differs from onnx.proto only
# in comments; it is the one read so that the ai.onnx.ml schema is the one named.
#
# The generated file is not project code: it carries protoc-gen-swift's "DO NOT EDIT" header, and style checks
# (file length, one type per file, duplicates) do not apply to it.
#
#   scripts/generate-onnx-proto.sh                      # uses $EXPLAINKIT_VENV (default /tmp/explainkit-venv)
#   PROTO=path/to/onnx-ml.proto PLUGIN=path/to/protoc-gen-swift scripts/generate-onnx-proto.sh
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${EXPLAINKIT_VENV:-/tmp/explainkit-venv}"
scratch="${SCRATCH:-/tmp/protoc-gen-swift}"

if [ -z "${PROTO:-}" ]; then
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "onnx==1.23.2"
  fi
  PROTO=$("$venv/bin/python" -c 'import onnx, os; print(os.path.join(os.path.dirname(onnx.__file__), "onnx-ml.proto"))')
fi
command -v protoc >/dev/null || { echo "generate-onnx-proto: install protoc (apt-get install -y protobuf-compiler)" >&2; exit 1; }
if [ -z "${PLUGIN:-}" ]; then
  if [ ! -x "$scratch/.build/release/protoc-gen-swift" ]; then
    rm -rf "$scratch"
    git clone --quiet https://github.com/apple/swift-protobuf "$scratch"
    git -C "$scratch" checkout --quiet 1.39.0
    (cd "$scratch" && nice -n 19 swift build -c release --product protoc-gen-swift)
  fi
  PLUGIN="$scratch/.build/release/protoc-gen-swift"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$PROTO" "$work/onnx.proto"
protoc --plugin=protoc-gen-swift="$PLUGIN" --proto_path="$work" --swift_out="$work" \
  --swift_opt=Visibility=Public "$work/onnx.proto"
mv "$work/onnx.pb.swift" Sources/ONNXProto/onnx.pb.swift
echo "wrote Sources/ONNXProto/onnx.pb.swift ($(wc -l < Sources/ONNXProto/onnx.pb.swift) lines)" >&2
