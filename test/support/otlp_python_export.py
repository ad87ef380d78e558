"""Exports a trace, metrics and a log record with the official OpenTelemetry Python SDK and OTLP exporters.

Run by test/otlp-python.e2e-spec.ts with the virtual environment of scripts/ensure-python-otel.sh.
Argument: `grpc` or `http`, and the service name. Every exporter is built with no argument: where it
sends and with which token comes from OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_HEADERS
alone, as an operator would set them. Prints one JSON line:
`{ traceId, spanId, linkedTraceId, linkedSpanId, exports, failures }`.
"""

import json
import sys

from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

transport, service = sys.argv[1], sys.argv[2]
if transport == "grpc":
    from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
else:
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

exports = {"traces": 0, "metrics": 0, "logs": 0}
failures = []


def recording(signal, exporter):
    """Counts the exports of a signal and remembers every failure (the SDK only logs them)."""
    inner = exporter.export

    def export(*args, **kwargs):
        result = inner(*args, **kwargs)
        exports[signal] += 1
        if result.name != "SUCCESS":
            failures.append(f"{signal}: {result.name}")
        return result

    exporter.export = export
    return exporter


resource = Resource.create({"service.name": service, "service.version": "3.1.4"})

tracer_provider = TracerProvider(resource=resource)
tracer_provider.add_span_processor(SimpleSpanProcessor(recording("traces", OTLPSpanExporter())))
logger_provider = LoggerProvider(resource=resource)
logger_provider.add_log_record_processor(SimpleLogRecordProcessor(recording("logs", OTLPLogExporter())))
reader = PeriodicExportingMetricReader(recording("metrics", OTLPMetricExporter()), export_interval_millis=3_600_000)
meter_provider = MeterProvider(resource=resource, metric_readers=[reader])

tracer = tracer_provider.get_tracer("gateway.python", "0.9.0")
logger = logger_provider.get_logger("gateway.python.tools", "0.9.0")
meter = meter_provider.get_meter("gateway.python.metrics", "0.9.0")
calls = meter.create_counter("py.tool.calls", unit="{call}", description="Tool invocations")
duration = meter.create_histogram("py.tool.duration", unit="ms")

with tracer.start_as_current_span("warmup", kind=SpanKind.INTERNAL) as earlier:
    linked = earlier.get_span_context()
with tracer.start_as_current_span("POST /servers/{id}/mcp", kind=SpanKind.SERVER, attributes={"http.request.method": "POST"}):
    with tracer.start_as_current_span(
        "tools/call weather",
        kind=SpanKind.INTERNAL,
        links=[Link(linked, {"link.reason": "warmed by"})],
        # No tool.id: a trace naming a tool the registry does not hold is hidden from a viewer.
        attributes={"tool.name": "weather"},
    ) as span:
        span.add_event("cache miss", {"cache.key": "weather:paris", "attempt": 2})
        logger.emit(
            severity_number=SeverityNumber.WARN,
            severity_text="WARN",
            body="weather upstream slow",
            attributes={"tool.name": "weather", "elapsed_ms": 70},
        )
        span.set_status(Status(StatusCode.ERROR, "upstream timeout"))
        called = span.get_span_context()

# Two collections: a cumulative counter and histogram with two points each.
for _ in range(2):
    calls.add(3, {"tool": "weather"})
    calls.add(1, {"tool": "search"})
    for ms in (5, 20, 70):
        duration.record(ms, {"tool": "weather"})
    meter_provider.force_flush()

tracer_provider.force_flush()
logger_provider.force_flush()
meter_provider.shutdown()
tracer_provider.shutdown()
logger_provider.shutdown()

print(
    json.dumps(
        {
            "traceId": format(called.trace_id, "032x"),
            "spanId": format(called.span_id, "016x"),
            "linkedTraceId": format(linked.trace_id, "032x"),
            "linkedSpanId": format(linked.span_id, "016x"),
            "exports": exports,
            "failures": failures,
        }
    )
)
