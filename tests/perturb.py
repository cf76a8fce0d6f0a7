"""Automatic, consistent perturbation of an article, so golden tests cannot lean on the
sample wording: every person name, Ukrainian place, facility, number, weekday and date is
replaced the same way everywhere in the text.

People and places are found by the project's own entity stage on the original text; the
replacements come from fixed pools of invented names. Numbers are scaled (keeping their
format), and the calendar is shifted by ``shift`` days: the ``date`` header, weekday names
and bracketed days of the month ("Saturday (23)") move together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from crosscheck.nlp import load_pipeline

GIVEN = ["Mykola", "Halyna", "Bohdan", "Oksana", "Taras", "Larysa", "Yurii", "Nadiia", "Roman",
         "Zoia", "Stepan", "Vira"]
SURNAMES = ["Hrytsak", "Melnychuk", "Savchuk", "Bondarenko", "Kovalchuk", "Tkachuk",
            "Lysenko", "Moroz", "Danylyuk", "Pavlenko", "Oliinyk", "Kravchuk"]
CITIES = ["Berdiansk", "Melitopol", "Nikopol", "Kramatorsk", "Pavlohrad", "Izium", "Bakhmut",
          "Kupiansk"]
FACILITIES = ["Zaliznyi", "Dniprostal", "Krasnyi Metalurh"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
#: Structural words that are not sample wording: seats of government, sides, outlets.
KEEP = {"Kremlin", "Moscow", "Kiev", "Kyiv", "Ukraine", "Russia", "Washington", "Europe", "UN",
        "Telegram", "Facebook", "Twitter", "Ukrinform", "Ukrainska Pravda", "TalkTV"}


@dataclass
class Perturbed:
    text: str
    names: dict[str, str] = field(default_factory=dict)  # original word -> replacement
    numbers: dict[str, str] = field(default_factory=dict)
    shift: int = 0

    def name(self, original: str) -> str:
        return " ".join(self.names.get(w, w) for w in original.split())

    def number(self, original: str) -> str:
        return self.numbers.get(original, original)

    def day(self, iso: str) -> str:
        return (date.fromisoformat(iso) + timedelta(days=self.shift)).isoformat()


def _scaled(number: str) -> str:
    value = int(number.replace(",", ""))
    new = int(value * 1.37) + 3
    if new == value:
        new += 1
    return f"{new:,}" if "," in number else str(new)


def perturb(text: str, shift: int = 2) -> Perturbed:
    nlp = load_pipeline()
    doc = nlp(text)
    out = Perturbed(text, shift=shift)
    given = iter(GIVEN)
    surnames = iter(SURNAMES)
    cities = iter(CITIES)
    facilities = iter(FACILITIES)
    for mention in doc._.mentions:
        if mention.text in KEEP or mention.name in KEEP:
            continue
        if mention.type == "PERSON":
            words = [w for w in mention.text.split() if w[:1].isupper()]
            for i, word in enumerate(words):
                if word not in out.names and word not in KEEP:
                    pool = surnames if i == len(words) - 1 else given
                    out.names[word] = next(pool)
        elif mention.type == "GPE" and mention.lat is not None and mention.geo_precision == 1:
            if mention.text not in out.names:
                out.names[mention.text] = next(cities)
        elif mention.type == "FAC":
            head = mention.text.split()[0]
            if head not in out.names and head not in KEEP:
                out.names[head] = next(facilities)
    new = text
    # dates and weekdays first, then names, then numbers
    new = re.sub(r"\bdate (\d{4}-\d{2}-\d{2})",
                 lambda m: "date " + out.day(m.group(1)), new)
    new = re.sub(r"\b(" + "|".join(WEEKDAYS) + r")\b(\s*\((\d{1,2})\))?",
                 lambda m: WEEKDAYS[(WEEKDAYS.index(m.group(1)) + shift) % 7]
                 + (f" ({int(m.group(3)) + shift})" if m.group(3) else ""), new)
    for original in sorted(out.names, key=len, reverse=True):
        new = re.sub(rf"(?<![\w-]){re.escape(original)}(?![\w-])", out.names[original], new)
    for m in re.finditer(r"(?<![\w.,(-])\d{1,3}(?:,\d{3})+(?![\w-])|(?<![\w.,(-])\d{2,6}"
                         r"(?![\w,()-])", new):
        out.numbers.setdefault(m.group(0), _scaled(m.group(0)))
    new = re.sub(r"(?<![\w.,(-])\d{1,3}(?:,\d{3})+(?![\w-])|(?<![\w.,(-])\d{2,6}(?![\w,()-])",
                 lambda m: out.numbers[m.group(0)], new)
    out.text = new
    return out
