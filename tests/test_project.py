"""The README's set-up commands are the ones CI runs."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"))[:2]


def test_readme_starts_with_the_two_commands():
    run, test = _readme_commands()
    assert run.startswith("python3 -m venv .venv") and "caseminer extract corpora/examples -o outputs/examples" in run
    assert test.startswith("python3 -m venv .venv") and test.endswith("pytest")
    assert "torch==2.13.0" in run and "torch==2.13.0" in test


def test_ci_runs_the_readme_test_command_offline():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    _, test = _readme_commands()
    assert test in ci
    assert "HF_HUB_OFFLINE=1" in ci
