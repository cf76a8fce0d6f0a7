"""The README stays true to the code: settings, commands."""

from pathlib import Path

from crosscheck.settings import REGISTRY

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands() -> None:
    head = README[:1500]
    assert "make run" in head and "make test" in head


def test_every_setting_is_documented_with_its_help() -> None:
    for setting in REGISTRY:
        assert f"| `{setting.name}` | `{setting.env}` |" in README, setting.name
        assert setting.help in README, setting.name


def test_every_command_is_documented() -> None:
    from typer.main import get_command

    from crosscheck.cli import app

    group = get_command(app)
    for name in group.commands:  # type: ignore[attr-defined]
        assert f"crosscheck {name}" in README, name


def test_the_schema_document_is_current() -> None:
    import runpy

    root = Path(__file__).resolve().parents[1]
    render = runpy.run_path(str(root / "scripts" / "schema_doc.py"))["render"]
    assert (root / "docs" / "schema.md").read_text(encoding="utf-8") == render(), \
        "run scripts/schema_doc.py"
