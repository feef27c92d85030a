"""Transcripts: appended, begun and ended with a line, and never fatal when they fail."""

from __future__ import annotations

import errno
import io
from datetime import datetime
from pathlib import Path

import pytest

from palace.errors import TranscriptError
from palace.transcript import Recorder, Transcript


def test_a_transcript_appends_after_a_first_line_naming_the_game_and_time(tmp_path):
    path = tmp_path / "night.txt"
    path.write_text("an earlier night\n", encoding="utf-8")
    transcript = Transcript.open(path, heading="The Night", now=datetime(2024, 11, 7, 21, 40))
    transcript.write("> look\n")
    transcript.close(note="transcript ended")
    assert path.read_text(encoding="utf-8") == (
        "an earlier night\n\n[The Night: transcript begun 2024-11-07 21:40]\n> look\n"
        "[transcript ended]\n")


def test_a_home_relative_path_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    transcript = Transcript.open(Path("~/night.txt"), heading="The Night")
    transcript.close()
    assert (tmp_path / "night.txt").is_file()


class TestRecorder:
    def test_start_write_stop(self, tmp_path):
        recorder = Recorder("The Night")
        path = tmp_path / "night.txt"
        assert recorder.describe().startswith("No transcript is being written.")
        assert recorder.start(path).startswith(f"Writing a transcript to {path}:")
        recorder.write("> 1\n")
        assert recorder.describe() == (f"Writing a transcript to {path}. Type 'transcript off' "
                                       "to stop.")
        assert recorder.stop() == f"The transcript in {path} is closed."
        recorder.write("not recorded\n")
        assert path.read_text(encoding="utf-8").endswith("> 1\n[transcript ended]\n")

    def test_starting_another_ends_the_first(self, tmp_path):
        recorder = Recorder("The Night")
        recorder.start(tmp_path / "one.txt")
        recorder.start(tmp_path / "two.txt")
        recorder.write("> look\n")
        recorder.close()
        assert (tmp_path / "one.txt").read_text().endswith("[transcript ended]\n")
        assert "> look" in (tmp_path / "two.txt").read_text()

    def test_a_folder_cannot_be_a_transcript(self, tmp_path):
        with pytest.raises(TranscriptError, match=r"Cannot write a transcript to .*: is a "
                                                  r"directory\. Play goes on without one\."):
            Recorder("The Night").start(tmp_path)

    def test_a_failed_write_stops_the_transcript_and_says_so(self, tmp_path):
        recorder = Recorder("The Night")
        recorder.current = Transcript(tmp_path / "night.txt", FullDisk())
        with pytest.raises(TranscriptError, match=r"Cannot write to the transcript .*: no "
                                                  r"space left on device\. It is stopped; "
                                                  r"play goes on\."):
            recorder.write("> look\n")
        assert recorder.current is None
        recorder.write("> look\n")  # and nothing more is attempted

    @pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
    def test_a_full_disk_at_the_start_is_reported(self):
        with pytest.raises(TranscriptError, match="no space left on device"):
            Recorder("The Night").start(Path("/dev/full"))


class FullDisk(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")
