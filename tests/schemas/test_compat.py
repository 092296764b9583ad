"""Every event schema stays backward compatible with all its earlier versions.

schemas/<Name>.avsc is the current schema; schemas/history/<Name>/NNN.avsc
are the versions released before, oldest first, and the newest of them must
equal the current schema (so a change cannot slip in without being recorded
as a new version). A reader with the current schema must be able to read data
written with every earlier version (Apache Avro's schema resolution rules,
checked with python3-avro's own compatibility checker), and a sample datum
written with each old version must decode with the current one.
"""
import datetime
import io
import json
import os
import sys

import avro.io
import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

HOME = os.environ.get("CARELINK_HOME") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMAS = os.path.join(HOME, "schemas")


def sample(schema):
    """A datum that fits schema, touching every field."""
    t = schema.type
    logical = schema.props.get("logicalType") if hasattr(schema, "props") else None
    if logical in ("timestamp-millis", "timestamp-micros"):
        return datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.timezone.utc)
    if t == "record":
        return {f.name: sample(f.type) for f in schema.fields}
    if t == "union":
        return sample(schema.schemas[-1])
    if t == "array":
        return [sample(schema.items)]
    if t == "map":
        return {"k": sample(schema.values)}
    if t == "enum":
        return schema.symbols[0]
    return {"null": None, "boolean": True, "int": 7, "long": 1795000000123,
            "float": 1.5, "double": 2.5, "bytes": b"x", "string": "テスト",
            "fixed": b"\0" * getattr(schema, "size", 0)}[t]


def main():
    failures = []
    names = sorted(f[:-5] for f in os.listdir(SCHEMAS) if f.endswith(".avsc"))
    if not names:
        print("no schemas found in", SCHEMAS)
        return 1
    for name in names:
        with open(os.path.join(SCHEMAS, name + ".avsc"), encoding="utf-8") as f:
            current_json = json.load(f)
        current = avro.schema.parse(json.dumps(current_json))
        hist_dir = os.path.join(SCHEMAS, "history", name)
        versions = sorted(v for v in os.listdir(hist_dir) if v.endswith(".avsc")) \
            if os.path.isdir(hist_dir) else []
        if not versions:
            failures.append(f"{name}: no history in schemas/history/{name}/")
            continue
        with open(os.path.join(hist_dir, versions[-1]), encoding="utf-8") as f:
            if json.load(f) != current_json:
                failures.append(f"{name}: differs from its newest recorded version "
                                f"{versions[-1]}; record the change as a new version")
        for v in versions:
            with open(os.path.join(hist_dir, v), encoding="utf-8") as f:
                old = avro.schema.parse(f.read())
            result = ReaderWriterCompatibilityChecker().get_compatibility(current, old)
            if result.compatibility is not SchemaCompatibilityType.compatible:
                failures.append(f"{name}: cannot read data written with {v}: "
                                f"{result.messages} at {result.locations}")
                continue
            buf = io.BytesIO()
            avro.io.DatumWriter(old).write(sample(old), avro.io.BinaryEncoder(buf))
            buf.seek(0)
            avro.io.DatumReader(old, current).read(avro.io.BinaryDecoder(buf))
        print(f"ok {name}: {len(versions)} version(s)")
    for f in failures:
        print("FAIL", f)
    print(f"{len(names) - len({f.split(':')[0] for f in failures})} passed, "
          f"{len({f.split(':')[0] for f in failures})} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
