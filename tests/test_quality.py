"""The project's own standards, run with the tests: ruff, mypy --strict, and the
JSON Schema kept in step with the storyformat."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from palace import storyformat


ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "src" / "palace" / "schema"


def _tool(name: str) -> list[str]:
    return [sys.executable, "-m", name]


def test_ruff_is_clean():
    pytest.importorskip("ruff", reason="ruff is not installed; the test extra installs it")
    result = subprocess.run([*_tool("ruff"), "check", "src", "tests"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean():
    pytest.importorskip("mypy", reason="mypy is not installed; the test extra installs it")
    result = subprocess.run([*_tool("mypy"), "--strict", "src"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _schema(name: str) -> dict[str, object]:
    schema: dict[str, object] = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _keys(node: dict[str, object]) -> set[str]:
    properties = node["properties"]
    assert isinstance(properties, dict)
    return set(properties)


def _one_of_object(node: dict[str, object]) -> dict[str, object]:
    options = node["oneOf"]
    assert isinstance(options, list)
    return next(o for o in options if o.get("type") == "object")


class TestSchemaMatchesTheLoader:
    """The schema is for editors, the loader is the truth: their field names must agree."""

    def test_content_file(self):
        schema = _schema("content")
        defs = schema["$defs"]
        assert isinstance(defs, dict)
        assert _keys(schema) == set(storyformat.CONTENT_FIELDS)
        pairs = {
            "scene": storyformat.SCENE_FIELDS, "choice": storyformat.CHOICE_FIELDS,
            "next_rule": storyformat.NEXT_FIELDS, "ending": storyformat.ENDING_FIELDS,
            "effects": storyformat.EFFECT_FIELDS, "document": storyformat.DOCUMENT_FIELDS,
            "beat": storyformat.BEAT_FIELDS, "telling": storyformat.TELLING_FIELDS,
        }
        for name, fields in pairs.items():
            assert _keys(defs[name]) == set(fields), name
            required = {key for key, needed in fields.items() if needed}
            assert set(defs[name].get("required", [])) == required, name
        assert _keys(_one_of_object(defs["passage"])) == set(storyformat.PASSAGE_FIELDS)

    def test_manifest(self):
        schema = _schema("story")
        assert _keys(schema) == set(storyformat.MANIFEST_FIELDS)
        properties = schema["properties"]
        assert isinstance(properties, dict)
        assert _keys(properties["clock"]) == set(storyformat.CLOCK_FIELDS)
        assert _keys(properties["roles"]["additionalProperties"]) == set(storyformat.ROLE_FIELDS)
        variable = _one_of_object(properties["variables"]["additionalProperties"])
        assert _keys(variable) == set(storyformat.VARIABLE_FIELDS)
        location = _one_of_object(properties["locations"]["additionalProperties"])
        assert _keys(location) == set(storyformat.LOCATION_FIELDS)
        assert _keys(properties["migrations"]["items"]) == set(storyformat.MIGRATION_FIELDS)
        map_ = properties["maps"]["additionalProperties"]
        assert _keys(map_) == set(storyformat.MAP_FIELDS)
        assert set(map_["required"]) == {k for k, needed in storyformat.MAP_FIELDS.items()
                                         if needed}

    @pytest.mark.parametrize("name", ["tiny", "tiny_v2"])
    def test_fixture_story_validates(self, name):
        tiny = ROOT / "tests" / "stories" / name
        jsonschema.validate(yaml.safe_load((tiny / "story.yaml").read_text()), _schema("story"))
        content = yaml.safe_load((tiny / "scenes.yaml").read_text())
        jsonschema.validate(content, _schema("content"))

    def test_story_with_maps_and_beat_times_validates(self):
        mapped = ROOT / "tests" / "stories" / "mapped"
        manifest = yaml.safe_load((mapped / "story.yaml").read_text(encoding="utf-8"))
        jsonschema.validate(manifest, _schema("story"))
        jsonschema.validate(yaml.safe_load((mapped / "scenes.yaml").read_text()),
                            _schema("content"))
        manifest["locations"]["bridge"].pop("at")
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(manifest, _schema("story"))

    def test_schema_wants_one_id_and_one_action_per_migration_rule(self):
        schema = _schema("story")
        base = yaml.safe_load((ROOT / "tests" / "stories" / "tiny" / "story.yaml").read_text())
        for rule in ({"scene": "a", "variable": "b", "removed": True},
                     {"scene": "a"}, {"scene": "a", "removed": True, "renamed_to": "b"}):
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate({**base, "migrations": [rule]}, schema)

    def test_schema_refuses_a_misspelt_field(self):
        bad = {"scenes": [{"id": "a", "title": "A", "location": "x", "text": "t",
                           "ending": {"id": "e", "title": "E", "kind": "myth"}, "tittle": "A"}]}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, _schema("content"))
