"""schema.json, the JSON Schema editors use for framework files, generated from the models.

The committed file must equal what `schema_text()` gives (a test checks); after changing the
models in fileformat.py, write it again with `python -m audit.frameworks.spec.schema`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from audit.frameworks.spec.documents import Domain, FrameworkFile
from audit.frameworks.spec.terms import FORMAT

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema.json"


class _Generator(GenerateJsonSchema):
    """pydantic's generator, without what only clutters an editor's hints."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False  # "Code", "Type", ...: the key says it

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        # A None default only marks a key optional (see fileformat.py); a file never writes null.
        if schema.get("default") is None:
            return self.generate_inner(schema["schema"])
        return super().default_schema(schema)


def json_schema() -> dict[str, Any]:
    """The schema of both framework.yaml (a document with `format`) and domain files."""
    refs, top = models_json_schema(
        [(FrameworkFile, "validation"), (Domain, "validation")],
        ref_template="#/$defs/{model}",
        schema_generator=_Generator,
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:wps-audit:framework-format-{FORMAT}",
        "title": f"WPS Audit framework file (format {FORMAT})",
        "description": (
            "framework.yaml (it has a format key) or a domain file. Generated from the models "
            "in audit/frameworks/spec (fileformat.py, documents.py); the loader also checks "
            "what a schema cannot (links, expressions, coverage, band order). See FORMAT.md."
        ),
        "if": {"type": "object", "required": ["format"]},
        "then": refs[FrameworkFile, "validation"],
        "else": refs[Domain, "validation"],
        "$defs": top["$defs"],
    }


def schema_text() -> str:
    """schema.json's content: the schema as indented JSON."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    """Write schema.json next to the frameworks package."""
    SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")


if __name__ == "__main__":
    main()
