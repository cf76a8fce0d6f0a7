"""The outlet registry, wire credits and origins: what counts as an independent source."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from crosscheck.errors import ConfigError, CrosscheckError, RuleError
from crosscheck.link.sources import (
    SIDES,
    Outlet,
    OutletRegistry,
    default_registry,
    independent,
    origin,
    select_outlets,
    wire_credit,
)


@pytest.fixture(scope="module")
def reg() -> OutletRegistry:
    return OutletRegistry.load()


def key(outlet: Outlet | None) -> str | None:
    return outlet.key if outlet is not None else None


# -- the packaged registry ------------------------------------------------------------


def test_packaged_registry_is_large_and_consistent(reg: OutletRegistry) -> None:
    assert len(reg) >= 80 and reg.version
    outlets = list(reg)
    assert [o.key for o in outlets] == sorted(o.key for o in outlets)
    for outlet in outlets:
        assert outlet.side in SIDES
        assert outlet.country is None or (len(outlet.country) == 2 and outlet.country.isupper())
        # the documented rule: the side of a state-affiliated outlet is its government's
        if outlet.side in ("Russia", "Ukraine", "third country"):
            assert outlet.state_affiliated, outlet.key
    wires = {o.key for o in outlets if o.wire}
    assert {"ap", "reuters", "afp", "dpa", "ansa", "efe", "interfax", "interfax-ukraine",
            "tass", "ria", "ukrinform", "unian", "belta", "xinhua", "anadolu", "kyodo",
            "pap"} <= wires
    assert "bbc" not in wires and "rt" not in wires
    tass, rt, bbc = reg.get("tass"), reg.get("rt"), reg.get("bbc")
    assert tass is not None and tass.state_affiliated and tass.side == "Russia"
    assert rt is not None and rt.country == "RU" and rt.state_affiliated
    assert bbc is not None and not bbc.state_affiliated and bbc.side == "media"
    assert "ap" in reg and "nope" not in reg


@pytest.mark.parametrize(("name", "expected"), [
    ("Reuters", "reuters"),
    ("REUTERS", "reuters"),
    ("The Associated Press", "ap"),
    ("AP", "ap"),
    ("Associated Press (via Daily Mail wires)", "ap"),  # syndication: the origin is AP
    ("Reuters via Yahoo News", "reuters"),
    ("Guardian", "guardian"),
    ("The Guardian", "guardian"),
    ("the guardian.", "guardian"),
    ("Kyiv Independent", "kyiv-independent"),
    ("The Independent", "independent"),
    ("Insider", "business-insider"),
    ("The Insider", "the-insider"),
    ("Russia Today", "rt"),
    ("ITAR-TASS", "tass"),
    ("Itar Tass", "tass"),
    ("Ukrayinska Pravda", "ukrainska-pravda"),
    ("ČTK", "ctk"),
    ("MailOnline", "daily-mail"),
    ("Censor.NET", "censor-net"),
    ("BBC News Online", "bbc"),  # generic words around a name
    ("Reuters Staff", "reuters"),
    ("www.msnbc.com", "msnbc"),  # RUWA's `site` values are domains
    ("bbc.co.uk", "bbc"),
    ("en.news-front.info", "news-front"),
    ("Novosti Daily", None),
    ("", None),
    (None, None),
])
def test_lookup_by_name_and_alias(reg: OutletRegistry, name: str | None,
                                  expected: str | None) -> None:
    assert key(reg.lookup(name)) == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.reuters.com/world/europe/x-2022-07-08/", "reuters"),
    ("https://edition.cnn.com/2022/10/14/europe/x/index.html", "cnn"),  # a subdomain
    ("https://abcnews.go.com/International/x", "abc-news"),
    ("https://go.com/", None),  # a parent domain is not its subdomain's outlet
    ("tass.com/defense/1418037", "tass"),  # no scheme, as in RUWA
    ("http://WWW.BBC.CO.UK/news/60554910", "bbc"),
    ("https://en.interfax.com.ua/news/general/1.html", "interfax-ukraine"),
    ("https://www.interfax.ru/russia/1", "interfax"),
    ("https://example.org/rt.com", None),
    ("not a url", None),
])
def test_lookup_by_domain(reg: OutletRegistry, url: str, expected: str | None) -> None:
    assert key(reg.lookup(None, url)) == expected


def test_name_wins_over_url(reg: OutletRegistry) -> None:
    # AP copy on the Daily Mail's wire pages is AP; an unknown name falls back to the URL
    assert key(reg.lookup("Associated Press (via Daily Mail wires)",
                          "https://www.dailymail.co.uk/wires/ap/article-1.html")) == "ap"
    assert key(reg.lookup("Some Blog", "https://www.dailymail.co.uk/news/x.html")) \
        == "daily-mail"


@pytest.mark.parametrize(("phrase", "expected"), [
    ("the Interfax agency", "interfax"),
    ("Ukrinform portal", "ukrinform"),
    ("the Ukrinform portal", "ukrinform"),
    ("TASS news agency", "tass"),
    ("Reuters", "reuters"),
    ("Russia's state-run RIA Novosti news agency", "ria"),
    ("the Russian news agency Interfax", "interfax"),
    ("Interfax-Ukraine", "interfax-ukraine"),  # the longest name wins over "Interfax"
    ("Ukraine's national news agency Ukrinform", "ukrinform"),
    ("German news agency dpa", "dpa"),  # a name the outlet writes in lower case
    ("state broadcaster Rossiya 1", "rossiya-1"),
    ("the independent Russian news site Meduza", "meduza"),  # not The Independent
    ("the Ukrainian General Staff", None),
    ("the regional governor's press service", None),
    ("", None),
    (None, None),
])
def test_agency_phrases(reg: OutletRegistry, phrase: str | None, expected: str | None) -> None:
    assert key(reg.agency(phrase)) == expected


def test_select_outlets(reg: OutletRegistry) -> None:
    state_wires = select_outlets(reg, wire=True, state=True)
    assert {"tass", "ria", "ukrinform", "xinhua"} <= {o.key for o in state_wires}
    assert all(o.wire and o.state_affiliated for o in state_wires)
    assert {o.key for o in select_outlets(reg, side="russia", wire=False)} >= {"rt", "izvestia"}
    assert [o.key for o in select_outlets(reg, query="kyivindependent")] == ["kyiv-independent"]
    assert all(o.country == "UA" for o in select_outlets(reg, country="ua"))


# -- wire credits -----------------------------------------------------------------------

BODY = ("Russian forces shelled the city overnight, officials said on Tuesday. "
        "Residents sheltered in basements as the strikes went on for hours. ") * 3


@pytest.mark.parametrize(("text", "expected"), [
    ("KYIV, Ukraine (AP) — " + BODY, "ap"),
    ("(Reuters) - " + BODY, "reuters"),
    ("MOSCOW, April 3 (Reuters) - " + BODY, "reuters"),
    ("UNITED NATIONS, July 8 (Reuters) - " + BODY, "reuters"),
    ("MOSCOW/WASHINGTON (Reuters) — " + BODY, "reuters"),
    ("WASHINGTON, Nov. 5 (AP) — " + BODY, "ap"),
    ("Kyiv (AFP) - " + BODY, "afp"),
    ("(CNN) -- " + BODY, "cnn"),  # any registered outlet counts in a dateline
    ("Shelling goes on in the east\n\nLVIV, Ukraine (AP) — " + BODY, "ap"),  # after a title
    ("By The Associated Press\n" + BODY, "ap"),
    ("Source: TASS\n" + BODY, "tass"),
    (BODY + "— Associated Press", "ap"),
    (BODY + "With AP", "ap"),
    (BODY + "(with AFP)", "afp"),
    (BODY + "The Associated Press contributed to this report.", "ap"),
    (BODY + "AFP contributed to this report. Read more", "afp"),
    (BODY + "\nReuters contributed to this report", "reuters"),
    (BODY + "Additional reporting by Reuters", "reuters"),
    (BODY + "(Reporting by Pavel Polityuk; Editing by Alex Richardson)", "reuters"),
    (BODY + "Reporting by Jan Wolfe; editing by Grant McCool", "reuters"),
    (BODY + "Source: TASS", "tass"),
])
def test_wire_credit_positive(reg: OutletRegistry, text: str, expected: str) -> None:
    assert key(wire_credit(text, reg)) == expected


@pytest.mark.parametrize("text", [
    "",
    BODY,
    # an agency named mid-article is a citation, not the article's origin
    BODY + "An investigation by the Associated Press (AP) news agency puts the toll higher. "
    + BODY,
    BODY + '"We saw it on (AP) - and everywhere," he said. ' + BODY,
    "Analysts told The Associated Press (AP) - in interviews - that the war will go on. " + BODY,
    "According to the Associated Press (AP), guerrilla forces are active. " + BODY,
    # interviews and photo credits
    BODY + "He said so in an interview with Reuters.",
    BODY + "Troops near Kharkiv on Tuesday. (AP Photo/Evgeniy Maloletka)",
    BODY + "(Lauri Heino/Lehtikuva via AP, File)",
    # credits that are not one wire
    BODY + "Associated Press and Reuters contributed to this report",
    BODY + "ABC News' Yuriy Zaliznyak contributed to this report.",
    BODY + "— Fox",  # an outlet, but not a wire
    BODY + "Reporting by Paul Myers, Olga Robinson",  # no "Editing by": not Reuters style
    BODY + "Source: Read Full Article",
    "Source: Department of Defense 'You are seeing a complete' " + BODY,
    # a dateline in the middle of the text
    BODY * 3 + "\nKYIV (AP) — " + BODY,
])
def test_wire_credit_negative(reg: OutletRegistry, text: str) -> None:
    assert wire_credit(text, reg) is None


# -- origins and independence -------------------------------------------------------------


def _origin(reg: OutletRegistry, *, speaker_key: str | None = None,
            speaker_name: str | None = None, intermediary: str | None = None,
            outlet: str | None = None, url: str | None = None, article_id: str = "a1",
            text: str | None = None) -> str:
    return origin(speaker_key=speaker_key, speaker_name=speaker_name,
                  intermediary=intermediary, outlet=outlet, url=url, article_id=article_id,
                  text=text, registry=reg)


def test_origin_rule_1_named_speaker(reg: OutletRegistry) -> None:
    assert _origin(reg, speaker_key="PERSON:dmitry peskov", speaker_name="Peskov",
                   intermediary="TASS", outlet="RT") == "speaker:PERSON:dmitry peskov"
    assert _origin(reg, speaker_name="Oleksiy Arestovych", outlet="BBC") \
        == "speaker:oleksiy arestovych"
    assert _origin(reg, speaker_name="Zélensky", outlet="BBC") == "speaker:zelensky"
    # a pronoun or an anonymous noun with no name falls through to the next rules
    assert _origin(reg, speaker_name="he", intermediary="the Ukrinform portal",
                   outlet="BBC") == "outlet:ukrinform"
    assert _origin(reg, speaker_name="Officials", outlet="The Guardian") == "outlet:guardian"
    # an outlet as speaker ("Reuters reported") is that outlet
    assert _origin(reg, speaker_key="ORG:reuters", speaker_name="Reuters",
                   outlet="BBC") == "outlet:reuters"
    assert _origin(reg, speaker_name="the Interfax news agency") == "outlet:interfax"


def test_origin_rule_2_intermediary(reg: OutletRegistry) -> None:
    assert _origin(reg, intermediary="the Interfax agency", outlet="RT") == "outlet:interfax"
    assert _origin(reg, intermediary="TASS news agency", outlet="BBC",
                   text="KYIV (AP) — " + BODY) == "outlet:tass"
    assert _origin(reg, intermediary="the Donetsk regional press office", outlet="BBC") \
        == "outlet:donetsk regional press office"


def test_origin_rule_3_wire_credit(reg: OutletRegistry) -> None:
    assert _origin(reg, outlet="HuffPost", text="MOSCOW (AP) — " + BODY) == "outlet:ap"
    assert _origin(reg, outlet="CBS News",
                   text=BODY + "AFP contributed to this report.") == "outlet:afp"
    assert _origin(reg, outlet="HuffPost", text=BODY) == "outlet:huffpost"


def test_origin_rule_4_outlet(reg: OutletRegistry) -> None:
    assert _origin(reg, outlet="The Guardian") == "outlet:guardian"
    assert _origin(reg, outlet="Associated Press (via Daily Mail wires)") == "outlet:ap"
    assert _origin(reg, url="https://www.ukrinform.net/rubric-ato/1.html") == "outlet:ukrinform"
    assert _origin(reg, outlet="The Dnipro Post") == "outlet:dnipro post"
    assert _origin(reg, outlet="Dnipro Post") == "outlet:dnipro post"
    assert _origin(reg, article_id="abc123") == "article:abc123"
    assert _origin(reg, outlet="  ", article_id="abc123") == "article:abc123"


def test_independence_counts_distinct_origins(reg: OutletRegistry) -> None:
    relayed = [  # two outlets relaying one agency, one AP story on two sites: two sources
        _origin(reg, intermediary="the Interfax agency", outlet="BBC", article_id="1"),
        _origin(reg, intermediary="Interfax", outlet="The Guardian", article_id="2"),
        _origin(reg, outlet="HuffPost", text="LVIV, Ukraine (AP) — " + BODY, article_id="3"),
        _origin(reg, outlet="Associated Press (via Daily Mail wires)", article_id="4"),
    ]
    assert independent(relayed) == 2
    officials = [  # one official quoted by three outlets is one source
        _origin(reg, speaker_key="PERSON:dmitry peskov", outlet=o) for o in ("RT", "BBC", "CNN")
    ]
    assert independent(officials) == 1
    assert independent([*relayed, *officials, "article:9", ""]) == 4
    assert independent([]) == 0


@settings(deadline=None, max_examples=150)
@given(st.text(max_size=300), st.text(max_size=80))
def test_untrusted_text_never_raises(reg: OutletRegistry, text: str, name: str) -> None:
    credited = wire_credit(text, reg)
    assert credited is None or credited.key in reg
    assert reg.lookup(name, name) is None or reg.lookup(name, name) in list(reg)
    assert reg.agency(name) is None or reg.agency(name) in list(reg)
    got = origin(speaker_key=None, speaker_name=name, intermediary=None, outlet=name,
                 url=name, article_id="x", text=text, registry=reg)
    assert got.split(":", 1)[0] in {"speaker", "outlet", "article"}


# -- user files -----------------------------------------------------------------------------

USER = """
version = "mine-1"

[[outlet]]
key = "dnipro-post"
name = "Dnipro Post"
country = "UA"
domains = ["dnipropost.example"]
aliases = ["The Dnipro Daily Post"]

[[outlet]]
key = "bbc"
name = "BBC"
country = "GB"
state_affiliated = true
side = "third country"
domains = ["bbc.com"]
aliases = ["Auntie"]
"""


def test_user_file_adds_and_overrides(tmp_path: Path, reg: OutletRegistry) -> None:
    path = tmp_path / "outlets.toml"
    path.write_text(USER, encoding="utf-8")
    mine = OutletRegistry.load(path)
    assert len(mine) == len(reg) + 1
    assert key(mine.lookup("The Dnipro Daily Post")) == "dnipro-post"
    assert key(mine.lookup(None, "https://news.dnipropost.example/a")) == "dnipro-post"
    bbc = mine.get("bbc")
    assert bbc is not None and bbc.state_affiliated and bbc.aliases == ("Auntie",)
    assert key(mine.lookup("Auntie")) == "bbc"
    assert mine.lookup(None, "https://www.bbc.co.uk/news/1") is None  # replaced entirely
    assert mine.version.startswith(reg.version + "+mine-1.")
    assert _origin(mine, outlet="Dnipro Post") == "outlet:dnipro-post"


def test_user_entry_takes_a_packaged_name(tmp_path: Path) -> None:
    path = tmp_path / "outlets.toml"
    path.write_text('[[outlet]]\nkey = "ap-wire-desk"\nname = "AP"\nwire = true\n',
                    encoding="utf-8")
    mine = OutletRegistry.load(str(path))
    assert key(mine.lookup("AP")) == "ap-wire-desk"
    assert key(mine.lookup("Associated Press")) == "ap"


def test_default_registry_honours_the_setting(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "outlets.toml"
    path.write_text(USER, encoding="utf-8")
    monkeypatch.setenv("CROSSCHECK_OUTLETS_FILE", str(path))
    default_registry.cache_clear()
    try:
        assert key(default_registry().lookup("Dnipro Post")) == "dnipro-post"
        assert default_registry() is default_registry()
    finally:
        default_registry.cache_clear()
    monkeypatch.delenv("CROSSCHECK_OUTLETS_FILE")
    assert default_registry().lookup("Dnipro Post") is None
    default_registry.cache_clear()


@pytest.mark.parametrize(("body", "message"), [
    ('[[outlet]]\nkey = "x"\nname = "X"\ndomain = ["x.com"]\n', "unknown field 'domain'"),
    ('[[outlet]]\nname = "X"\n', "field 'key' is missing"),
    ('[[outlet]]\nkey = "x"\n', "field 'name' is missing"),
    ('[[outlet]]\nkey = "x"\nname = "X"\nside = "Ukrainian"\n', "field 'side'"),
    ('[[outlet]]\nkey = "x"\nname = "X"\ncountry = "Ukraine"\n', "field 'country'"),
    ('[[outlet]]\nkey = "x"\nname = "X"\nwire = "yes"\n', "field 'wire' must be a bool"),
    ('[[outlet]]\nkey = "X Y"\nname = "X"\n', "field 'key'"),
    ('[[outlet]]\nkey = "x"\nname = "X"\ndomains = ["http://x.com/"]\n', "field 'domains'"),
    ('[[outlet]]\nkey = "x"\nname = "X"\naliases = "X news"\n', "field 'aliases'"),
    ('[[outlet]]\nkey = "x"\nname = "X"\n[[outlet]]\nkey = "x"\nname = "Y"\n',
     "duplicate key 'x'"),
    ('[[outlet]]\nkey = "x"\nname = "X"\n[[outlet]]\nkey = "y"\nname = "x!"\n',
     "also names outlet 'x'"),
    ('[[outlet]]\nkey = "x"\nname = "X"\ndomains = ["x.com"]\n'
     '[[outlet]]\nkey = "y"\nname = "Y"\ndomains = ["x.com"]\n', "also belongs to outlet 'x'"),
    ('outlets = []\n', "unknown top-level field 'outlets'"),
    ('version = 3\n', "field 'version'"),
    ('[[outlet]\nkey = "x"\n', "not valid TOML"),
])
def test_bad_user_file_names_file_and_field(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bad-outlets.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RuleError) as info:
        OutletRegistry.load(path)
    assert str(path) in str(info.value) and message in str(info.value)


def test_missing_user_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.toml: cannot read outlets file"):
        OutletRegistry.load(tmp_path / "missing.toml")


# -- the corpora ---------------------------------------------------------------------------


def test_every_outlet_of_the_fulltext_corpus_resolves(data_dir: Path,
                                                      reg: OutletRegistry) -> None:
    path = data_dir / "ukraine_war_media_fulltext_2022" / "articles.jsonl"
    pairs: set[tuple[str, str]] = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            pairs.add((record["outlet"], record["url"]))
    names = {name for name, _ in pairs}
    assert len(names) >= 13
    for name in names:
        assert reg.lookup(name) is not None, name
    for _name, url in pairs:  # every URL's domain is registered too
        assert reg.lookup(None, url) is not None, url
    assert key(reg.lookup("Associated Press (via Daily Mail wires)")) == "ap"


def test_every_site_of_the_ruwa_index_resolves(data_dir: Path, reg: OutletRegistry) -> None:
    path = data_dir / "ruwa_ukraine_war_news_2022" / "articles.jsonl"
    sites: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            sites.add(json.loads(line)["site"])
    for site in sites:
        assert reg.lookup(site) is not None, site


# -- the command ----------------------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str]:
    from crosscheck.cli.sources import sources

    app = typer.Typer()
    app.command()(sources)
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_sources_command_formats_and_filters(tmp_path: Path) -> None:
    code, out = _cli("--wire", "--state", "--format", "json")
    assert code == 0, out
    rows = json.loads(out)
    assert {"tass", "ukrinform"} <= {r["key"] for r in rows}
    assert all(r["wire"] and r["state_affiliated"] for r in rows)
    assert set(rows[0]) == {"key", "name", "country", "state_affiliated", "wire", "side",
                            "domains", "aliases"}
    code, out = _cli("reuters", "--format", "csv")
    assert code == 0, out
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["key"] for r in table] == ["reuters"]
    code, out = _cli("--no-wire", "--side", "Russia", "-n", "2", "-f", "json")
    assert code == 0 and len(json.loads(out)) == 2
    code, out = _cli("kyiv")  # a table (folded to the terminal's width)
    assert code == 0 and "outlets (registry" in out and "kyiv-" in out and "reuters" not in out
    path = tmp_path / "outlets.toml"
    path.write_text(USER, encoding="utf-8")
    code, out = _cli("dnipro", "--outlets-file", str(path), "-f", "json")
    assert code == 0 and [r["key"] for r in json.loads(out)] == ["dnipro-post"]


def test_sources_command_bad_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[outlet]]\nkey = "x"\n', encoding="utf-8")
    code, out = _cli("--outlets-file", str(path))
    assert code == 2
    assert "field 'name' is missing" in out and "Traceback" not in out
    assert issubclass(RuleError, CrosscheckError)
