"""Input discovery: never into the output folder or another run, regular files only, links only
where they stay inside the folder searched (nlp/run/discovery.py)."""
from __future__ import annotations

import os
import socket

import pytest

from nlp.dataset.runmarker import RunMarker
from nlp.ingest import Limits
from nlp.run.discovery import NoInput, collect_inputs, unread_result
from nlp.run.extract import RUN_OUTPUTS


def found(inputs) -> dict[str, str]:
    return {str(i.path): i.refused for i in inputs}


def test_the_output_folder_and_other_runs_are_not_searched(tmp_path):
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "out" / "texts").mkdir(parents=True)
    (tmp_path / "out" / "texts" / "a.txt").write_text("an output")
    (tmp_path / "older" / "texts").mkdir(parents=True)
    (tmp_path / "older" / "texts" / "b.txt").write_text("an output")
    RunMarker(["texts"]).save(tmp_path / "older")
    assert found(collect_inputs([tmp_path], tmp_path / "out")) == {str(tmp_path / "a.txt"): ""}
    with pytest.raises(NoInput, match="holds a caseminer run"):
        collect_inputs([tmp_path / "older"], tmp_path / "out")


def test_inputs_named_in_the_output_folder(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text("a")
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "b.txt").write_text("b")
    for named in (tmp_path, tmp_path / "texts", tmp_path / "texts" / "a.txt"):  # what the run would replace
        with pytest.raises(NoInput, match="output"):
            collect_inputs([named], tmp_path, RUN_OUTPUTS)
    assert len(collect_inputs([tmp_path / "papers"], tmp_path, RUN_OUTPUTS)) == 1  # beside the outputs: read


def test_links_are_followed_only_inside_the_folder_searched(tmp_path):
    src, secret = tmp_path / "in", tmp_path / "secret.txt"
    (src / "sub").mkdir(parents=True)
    secret.write_text("secret")
    (src / "sub" / "real.txt").write_text("real")
    (src / "inside.txt").symlink_to(src / "sub" / "real.txt")
    (src / "outside.txt").symlink_to(secret)
    (src / "dangling.txt").symlink_to(tmp_path / "nothing.txt")
    (src / "folder").symlink_to(src / "sub")  # its files are found through sub/
    assert found(collect_inputs([src], tmp_path / "out")) == {
        str(src / "dangling.txt"): "a symbolic link to nothing",
        str(src / "inside.txt"): "",
        str(src / "outside.txt"): "a symbolic link to a file outside the folder searched",
        str(src / "sub" / "real.txt"): ""}
    assert found(collect_inputs([src / "outside.txt"], tmp_path / "out")) == {str(src / "outside.txt"): ""}


def test_fifos_and_sockets_are_never_opened(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("a")
    os.mkfifo(src / "pipe.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(src / "sock.txt"))
    try:
        inputs = collect_inputs([src], tmp_path / "out")
        assert found(inputs) == {str(src / "a.txt"): "", str(src / "pipe.txt"): "a FIFO",
                                 str(src / "sock.txt"): "a socket"}
        skipped = unread_result(inputs[1], Limits())
        assert (skipped.status, skipped.reason) == ("skipped", "not read: a FIFO")
        named = collect_inputs([src / "pipe.txt"], tmp_path / "out")
        failed = unread_result(named[0], Limits())
        assert (failed.status, failed.reason) == ("failed", "not read: a FIFO")
    finally:
        server.close()
