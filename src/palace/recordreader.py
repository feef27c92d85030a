"""Reading the record: documents, and the beats of the night with the documents
each telling of them cites."""

from __future__ import annotations

from yaml.nodes import Node

from palace.manifestreader import ManifestReader
from palace.model import Beat, Document, Telling
from palace.refreader import RefReader
from palace.storyformat import BEAT_FIELDS, DOCUMENT_FIELDS, TELLING_FIELDS
from palace.yamlsource import FileReader


class RecordReader:
    """Reads one file's documents and beats, declaring their ids."""

    def __init__(self, reader: FileReader, manifest: ManifestReader, refs: RefReader) -> None:
        self.reader = reader
        self.manifest = manifest
        self.refs = refs

    def document(self, node: Node) -> Document | None:
        reader = self.reader
        found = reader.fields(node, "a document", DOCUMENT_FIELDS)
        if found is not None:
            self.refs.declare_quietly("document", found)
        if found is None or not {"id", "title", "source", "text"} <= found.keys():
            return None
        values = {key: reader.text(found[key], key) for key in found if key != "id"}
        doc_id = reader.identifier(found["id"], "document id")
        if doc_id is None or any(values.get(k) is None for k in ("title", "source", "text")):
            return None
        return Document(doc_id, values["title"] or "", values["source"] or "",
                        values["text"] or "", values.get("kind") or "",
                        values.get("date") or "", reader.loc(node))

    def beat(self, node: Node) -> Beat | None:
        reader = self.reader
        found = reader.fields(node, "a beat", BEAT_FIELDS)
        if found is not None:
            self.refs.declare_quietly("beat", found)
        if found is None or not {"id", "title", "myth", "archive"} <= found.keys():
            return None
        beat_id = reader.identifier(found["id"], "beat id")
        title = reader.text(found["title"], "title")
        myth = self._telling(found["myth"], "the myth")
        archive = self._telling(found["archive"], "the archive")
        time = self.manifest.time_of_day(reader, found["time"], "time") if (
            "time" in found) else None
        note = reader.text(found["time_note"], "time_note") if "time_note" in found else ""
        if beat_id is None or title is None or myth is None or archive is None:
            return None
        return Beat(beat_id, title, myth, archive, time, note or "", reader.loc(node))

    def _telling(self, node: Node, what: str) -> Telling | None:
        found = self.reader.fields(node, what, TELLING_FIELDS)
        if found is None or not {"text", "sources"} <= found.keys():
            return None
        text = self.reader.text(found["text"], "text")
        sources = []
        for item in self.reader.one_or_many(found["sources"], "sources"):
            document = self.refs.declared(item, "document")
            if document is not None:
                sources.append(document)
        return Telling(text, tuple(sources)) if text is not None else None
