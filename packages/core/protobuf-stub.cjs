// @datadog/sketches-js (the DDSketch behind serving latency percentiles) requires "protobufjs/minimal"
// lazily, inside its protobuf serialisation (toProto/fromProto), without depending on protobufjs.
// Supernode never serialises sketches; bundlers (Vite for the web app, esbuild for the CLI) map the
// import to this empty module so that they can resolve it. Calling toProto would fail loudly.
module.exports = {};
