"""Exports: files that other tools read, written from the store only."""

from crosscheck.export.events import ACLED_COLUMNS, event_record, write_events

__all__ = ["ACLED_COLUMNS", "event_record", "write_events"]
