"""The exported names are exactly the intended ones, and each is importable."""

import crosscheck

INTENDED = {
    "Analysis", "Article", "ConfigError", "CrosscheckError", "FetchError", "FieldMap",
    "IngestOptions", "analyze",
    "IngestReport", "InputError", "OffsetMap", "Rejection", "RemovedSpan", "RuleError",
    "Settings", "SourceItem", "Store", "StoreError", "__version__", "clean", "ingest",
    "load_rules", "load_settings", "open_store", "read_sources",
}


def test_exported_members_are_the_intended_ones() -> None:
    assert set(crosscheck.__all__) == INTENDED
    for name in crosscheck.__all__:
        assert hasattr(crosscheck, name), name


def test_errors_share_one_root() -> None:
    for name in ("ConfigError", "FetchError", "InputError", "RuleError", "StoreError"):
        assert issubclass(getattr(crosscheck, name), crosscheck.CrosscheckError)


def test_import_does_no_work() -> None:
    import subprocess
    import sys

    code = "import sys, crosscheck; print('spacy' in sys.modules, 'dateparser' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
