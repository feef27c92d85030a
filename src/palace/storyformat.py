"""The story format's vocabulary: the fields each kind of mapping accepts.

Each table maps a field name to whether it is required. These tables are the single
source of truth: the loader checks files against them, and a test keeps the JSON
Schemas for editors and the documentation in step with them.
"""

from __future__ import annotations


MANIFEST = "story.yaml"

MANIFEST_FIELDS = {
    "format": True, "id": True, "title": True, "version": True, "subtitle": False,
    "author": False, "intro": False, "clock": True, "roles": True, "variables": False,
    "locations": True, "migrations": False, "checkpoints": False,
    "maps": False,
}
CLOCK_FIELDS = {"start": True, "calendar": False}
ROLE_FIELDS = {"name": True, "start": True, "description": False, "clock": False}
VARIABLE_FIELDS = {"type": True, "initial": False, "description": False}
LOCATION_FIELDS = {"name": True, "description": False, "map": False, "at": False}
MAP_FIELDS = {"title": True, "art": True}
CONTENT_FIELDS = {"scenes": False, "documents": False, "beats": False}
SCENE_FIELDS = {
    "id": True, "title": True, "location": True, "act": False, "text": True, "effects": False,
    "choices": False, "next": False, "ending": False, "account": False, "beat": False,
}
PASSAGE_FIELDS = {"text": True, "if": False, "else": False, "account": False, "beat": False}
CHOICE_FIELDS = {
    "id": False, "text": True, "to": True, "if": False, "effects": False, "role": False,
    "once": False, "unavailable": False, "reason": False, "account": False, "beat": False,
}
NEXT_FIELDS = {"to": True, "if": False}
ENDING_FIELDS = {"id": True, "title": True, "kind": True}
EFFECT_FIELDS = {"set": False, "add": False, "advance": False, "until": False, "unlock": False}
DOCUMENT_FIELDS = {
    "id": True, "title": True, "source": True, "text": True, "kind": False, "date": False,
}
BEAT_FIELDS = {
    "id": True, "title": True, "myth": True, "archive": True, "time": False, "time_note": False,
}
TELLING_FIELDS = {"text": True, "sources": True}
MIGRATION_FIELDS = {
    "scene": False, "variable": False, "document": False, "beat": False, "role": False,
    "renamed_to": False, "removed": False, "resume_at": False, "added": False, "default": False,
}

ITEM_FIELDS = {"scenes": SCENE_FIELDS, "documents": DOCUMENT_FIELDS, "beats": BEAT_FIELDS}
