"""The review protocol file: what it takes, and one line naming the file and the key when it is wrong."""
import pytest
from typer.testing import CliRunner

from nlp.cli import app
from nlp.dataset.protocol import ProtocolError, load_protocol

GOOD = """# the review's protocol
diagnoses: [hemangioma, aneurysmal_bone_cyst]
regions: [thoracic]
levels: [L1]
designs: [case_report]
years: {from: 2000, to: 2024}
"""


def test_a_protocol_is_read_with_its_text(tmp_path):
    path = tmp_path / "protocol.yaml"
    path.write_text(GOOD)
    protocol, text = load_protocol(path)
    assert protocol.diagnoses == ["hemangioma", "aneurysmal_bone_cyst"]
    assert protocol.allowed_levels() == {f"T{i}" for i in range(1, 13)} | {"L1"}
    assert (protocol.designs, protocol.years.first, protocol.years.last) == (["case_report"], 2000, 2024)
    assert text == GOOD


def test_left_out_keys_set_no_condition(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("years: {from: 2010}\n")
    protocol, _ = load_protocol(path)
    assert protocol.diagnoses is None and protocol.allowed_levels() is None and protocol.years.last is None


@pytest.mark.parametrize("content, where", [
    ("diagnoses: [hemangioma, angioma]\n", "diagnoses.1: Input should be 'hemangioma'"),
    ("regions: [thoracic, dorsal]\n", "regions.1: Input should be 'cervical'"),
    ("levels: [T13]\n", "levels.0: Input should be 'C1'"),
    ("designs: [cohort]\n", "designs.0: Input should be 'case_report' or 'case_series'"),
    ("years: {from: 2024, to: 2000}\n", "years: from (2024) is after to (2000)"),
    ("years: {since: 2000}\n", "years.since: unknown key"),
    ("diagnosis: [hemangioma]\n", "diagnosis: unknown key"),
    ("diagnoses: []\n", "diagnoses: List should have at least 1 item"),
    ("diagnoses: [hemangioma\n", "not YAML"),
    ("", "(top): a mapping of diagnoses"),
])
def test_a_bad_protocol_says_the_file_and_the_key(tmp_path, content, where):
    path = tmp_path / "protocol.yaml"
    path.write_text(content)
    with pytest.raises(ProtocolError) as error:
        load_protocol(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ") and where in message and "\n" not in message


def test_extract_with_a_bad_protocol_exits_2_before_any_work(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("A 60-year-old woman had a T12 hemangioma.\n")
    bad = tmp_path / "protocol.yaml"
    bad.write_text("diagnoses: [angioma]\n")
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                                      "--protocol", str(bad)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"caseminer: {bad}: diagnoses.0: Input should be")
    assert not (tmp_path / "out").exists()


def test_extract_with_a_missing_protocol_exits_2(tmp_path):
    (tmp_path / "a.txt").write_text("A 60-year-old woman had a T12 hemangioma.\n")
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"),
                                      "--protocol", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "nope.yaml: cannot read" in result.output
