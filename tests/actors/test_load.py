"""The actor dictionary: packaged data, validation errors, user dictionaries."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from flashpoint.actors import load_dictionary, resolve_actor
from flashpoint.actors.load import _packaged_texts, build_dictionary
from flashpoint.errors import DataFileError


@pytest.fixture(scope="module")
def dictionary():
    return load_dictionary()


def test_packaged_dictionary_covers_the_world(dictionary) -> None:
    assert len(dictionary.countries) >= 249
    assert len(dictionary.people) >= 300
    kosovo = dictionary.countries["KSV"]
    assert (kosovo.iso2, kosovo.fips) == ("XK", "KV")
    assert dictionary.countries["SRB"].fips == "RI"
    assert dictionary.countries["USA"].fips == "US"
    assert dictionary.countries["GBR"].fips == "UK"
    assert "White House" in {s.text for s in dictionary.countries["USA"].seats}
    assert {s.role for s in dictionary.countries["USA"].seats if s.text == "Pentagon"} == {"MIL"}
    assert -90 <= kosovo.lat <= 90 and 20 <= kosovo.lon <= 22
    assert dictionary.roles["GOV"].state and not dictionary.roles["UAF"].state


def test_every_reference_role_code_is_defined(dictionary, shared_dir: Path) -> None:
    path = shared_dir / "reference" / "actor_type_codes.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    with path.open(encoding="utf-8") as fh:
        codes = {row["code"] for row in csv.DictReader(fh)}
    assert codes <= set(dictionary.roles)


def test_people_have_ordered_tenures(dictionary) -> None:
    vucic = dictionary.person("Aleksandar Vučić")
    assert vucic is not None and vucic.gender == "m"
    assert [t.role for t in vucic.tenures] == ["GOV", "GOV"]
    assert vucic.tenures[1].start == dt.date(2017, 5, 31)
    for person in dictionary.people:
        for tenure in person.tenures:
            assert tenure.end is None or tenure.start is None or tenure.end > tenure.start


def test_loader_is_cached_and_hashed(dictionary) -> None:
    assert load_dictionary() is dictionary
    assert len(dictionary.sha256) == 64
    again = build_dictionary(_packaged_texts())
    assert again.sha256 == dictionary.sha256


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def _error(user_file: str) -> DataFileError:
    with pytest.raises(DataFileError) as info:
        build_dictionary(_packaged_texts(), user_file)
    return info.value


def test_unknown_role_code_names_file_entry_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path / "mine.toml", """
[[people]]
name = "Jane Example"
country = "SRB"
role = "XYZ"
start = 2020-01-01
""")
    err = _error(path)
    assert err.path == path
    assert err.entry is not None and "Jane Example" in err.entry
    assert err.field == "role"
    assert path in str(err) and "XYZ" in str(err)


@pytest.mark.parametrize(("row", "field"), [
    ("SR,RS,RI,Serbia,,,,44,21", "iso3"),
    ("SRB,R,RI,Serbia,,,,44,21", "iso2"),
    ("SRB,RS,R1X,Serbia,,,,44,21", "fips"),
    ("SRB,RS,RI,Serbia,,,,95,21", "lat"),
    ("SRB,RS,RI,Serbia,,,Belgrade:XXX,44,21", "seats"),
])
def test_bad_country_rows(tmp_path: Path, row: str, field: str) -> None:
    header = "iso3,iso2,fips,name,aliases,adjectives,seats,lat,lon"
    path = _write(tmp_path / "countries.csv", f"{header}\n{row}\n")
    err = _error(path)
    assert (err.path, err.field) == (path, field)
    assert err.entry is not None and "line 2" in err.entry


def test_alias_shared_by_two_countries_needs_a_marker(tmp_path: Path) -> None:
    header = "iso3,iso2,fips,name,aliases,adjectives,seats,lat,lon"
    path = _write(tmp_path / "c.csv", f"{header}\nMNE,ME,MJ,Montenegro,Serbia,,,42.5,19.3\n")
    err = _error(path)
    assert err.field == "aliases" and "Serbia" in err.what
    ok = _write(tmp_path / "ok.csv", f"{header}\nMNE,ME,MJ,Montenegro,~Serbia,,,42.5,19.3\n")
    merged = build_dictionary(_packaged_texts(), ok)
    assert resolve_actor("Serbia", merged).actor.country == "SRB"  # the unmarked default
    assert resolve_actor("Serbia", merged, context="Montenegro").actor.country == "MNE"


@pytest.mark.parametrize(("start", "end", "field"), [
    ("2023-13-01", "", "start"),
    ("23-01-01", "", "start"),
    ("2023-05-01", "2023-04-30", "end"),
])
def test_bad_dates(tmp_path: Path, start: str, end: str, field: str) -> None:
    header = "name,aliases,surname,country,role,title,start,end,approx,gender"
    path = _write(tmp_path / "people.csv",
                  f"{header}\nJane Example,,,SRB,GOV,Minister,{start},{end},,f\n")
    err = _error(path)
    assert (err.path, err.field) == (path, field)
    assert err.entry is not None and "Jane Example" in err.entry


def test_unknown_country_and_bad_header_and_unknown_table(tmp_path: Path) -> None:
    header = "name,aliases,surname,country,role,title,start,end,approx,gender"
    err = _error(_write(tmp_path / "p.csv", f"{header}\nJane Example,,,XXX,GOV,,,,,\n"))
    assert err.field == "country" and "XXX" in err.what
    err = _error(_write(tmp_path / "bad.csv", "name,whatever\nx,y\n"))
    assert err.field == "header"
    err = _error(_write(tmp_path / "bad.toml", "[[friends]]\nname = 'x'\n"))
    assert err.entry == "friends"
    err = _error(_write(tmp_path / "bad.toml", "[[people]]\nname = 'x'\ncolour = 'red'\n"))
    assert err.field == "colour"
    err = _error(str(tmp_path / "missing.toml"))
    assert "cannot read" in err.what


def test_broken_packaged_roles_file_is_reported() -> None:
    texts = dict(_packaged_texts())
    texts["roles.toml"] = texts["roles.toml"].replace(b"state = true", b"state = 1", 1)
    with pytest.raises(DataFileError) as info:
        build_dictionary(texts)
    assert info.value.path == "roles.toml" and info.value.field == "state"


def test_user_dictionary_adds_and_replaces(tmp_path: Path) -> None:
    path = _write(tmp_path / "mine.toml", """
[[people]]
name = "Jane Example"
aliases = ["J. Example"]
country = "KSV"
role = "COP"
title = "Police director"
start = 2022-03-01
gender = "f"

[[people]]
name = "John Kirby"
country = "USA"
role = "MIL"
title = "Rear admiral (test override)"
start = 2000-01-01

[[orgs]]
name = "Example Brigade"
country = "SRB"
role = "PRM"

[roles.UAF]
keywords = ["raiders"]
""")
    merged = load_dictionary(path)
    assert load_dictionary(path) is merged
    assert merged.sha256 != load_dictionary().sha256
    day = dt.date(2023, 9, 30)
    jane = resolve_actor("J. Example", merged, date=day)
    assert jane is not None and jane.actor.code == "KSVCOP" and jane.actor.name == "Jane Example"
    assert resolve_actor("John Kirby", merged, date=day).actor.code == "USAMIL"
    assert resolve_actor("Example Brigade", merged).actor.code == "SRBPRM"
    assert resolve_actor("raiders", merged).actor.role == "UAF"
    # the packaged dictionary is untouched
    assert resolve_actor("John Kirby", load_dictionary(), date=day).actor.code == "USAGOV"
    assert resolve_actor("J. Example", load_dictionary()) is None


def test_user_csv_with_a_packaged_header(tmp_path: Path) -> None:
    header = "name,aliases,country"
    path = _write(tmp_path / "places.csv", f"{header}\nExampleville,,SRB\n")
    merged = build_dictionary(_packaged_texts(), path)
    assert resolve_actor("Exampleville police", merged).actor.code == "SRBCOP"


def test_toml_entries_are_named_by_table_and_position(tmp_path: Path) -> None:
    path = _write(tmp_path / "mine.toml", """
[[people]]
name = "Jane Example"
country = "SRB"
role = "GOV"

[[people]]
name = "John Example"
country = "SRB"
role = "GOV"
start = "2020-02-30"
""")
    err = _error(path)
    assert err.entry == "John Example (people[2])" and err.field == "start"
    bad_role = _write(tmp_path / "roles.toml", "[roles.GOV]\nkeywords = 'not a list'\n")
    err = _error(bad_role)
    assert bad_role in err.path and err.entry == "GOV" and err.field == "keywords"
