"""The CAMEO table: packaged data, PLOVER overrides, validation of broken data files."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from flashpoint.coding.cameo import (
    CODES_FILE,
    DATA_DIR,
    OVERRIDES_FILE,
    TYPES_FILE,
    CameoTable,
    load_cameo_table,
    penta_of,
    quad_of,
    read_cameo_table,
    root_of,
)
from flashpoint.errors import DataFileError, FlashpointError, NotFoundError


@pytest.fixture(scope="module")
def table() -> CameoTable:
    return load_cameo_table()


def _data_rows(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines))


# --- the packaged table ----------------------------------------------------------------------


def test_every_code_loads(table: CameoTable) -> None:
    rows = _data_rows(DATA_DIR / CODES_FILE)
    assert len(table) == len(rows) == 311
    assert [c.code for c in table] == [r["code"] for r in rows]
    roots = {c.root for c in table}
    assert roots == {f"{i:02d}" for i in range(1, 21)}
    for entry in table:
        assert entry.level == len(entry.code) - 1
        assert -10 <= entry.goldstein <= 10
        assert entry.quad_class == table.get(entry.root).quad_class


def test_matches_the_shared_reference(table: CameoTable, shared_dir: Path) -> None:
    with (shared_dir / "reference" / "cameo_codes.csv").open(encoding="utf-8") as fh:
        reference = list(csv.DictReader(fh))
    assert {r["code"] for r in reference} == set(table.codes)
    for r in reference:
        entry = table.get(r["code"])
        assert entry.goldstein == float(r["goldstein"]), r["code"]
        assert entry.quad_class == int(r["quadclass"]), r["code"]
        assert entry.penta_class == int(r["quadclass_phoenix"]), r["code"]
        phoenix = float(r["goldstein_phoenix"]) if r["goldstein_phoenix"] else None
        assert entry.goldstein_phoenix == phoenix, r["code"]
        if r["code"] not in _expected_overrides():
            official = r["plover_event"] if r["plover_event"] != "(dropped in PLOVER)" else ""
            assert (entry.plover or "", entry.plover_mode or "") == (official, r["plover_mode"])


def test_plover_types_match_the_ontology(table: CameoTable, shared_dir: Path) -> None:
    onto = json.loads((shared_dir / "reference" / "plover_ontology.json").read_text("utf-8"))
    expected = {name: tuple(m["mode"] for m in spec["modes"])
                for name, spec in onto["event_types"].items()}
    assert len(table.plover_types) == 16
    assert {n: t.modes for n, t in table.plover_types.items()} == expected
    for name, spec in onto["event_types"].items():
        category = spec["quad_category"].lower().replace(" ", "_")
        assert table.plover_types[name].quad_category == category


@pytest.mark.parametrize(("code", "plover", "mode"), [
    ("106", "REQUEST", "yield"),  # seed event 1: demand withdrawal
    ("1056", "REQUEST", "yield"),  # seed event 7: demand de-escalation
    ("154", "MOBILIZE", "troops"),  # seed event 2
    ("041", "CONSULT", "phone"),  # seed events 6, 9
    ("190", "ASSAULT", None),  # seed events 4, 5
    ("193", "ASSAULT", "firearms"),
    ("112", "ACCUSE", "allege"),  # seed event 11
    ("1123", "ACCUSE", "allege"),
    ("0232", "REQUEST", "assist"),  # seed event 10: appeal for military aid
    ("0334", "AGREE", None),  # seed event 12: promised peacekeeping is AGREE
    ("012", "ACCUSE", "disapprove"),  # seed event 3 (optional)
    ("016", "REJECT", None),  # seed event 8 (optional)
    ("120", "REJECT", None),  # seed event 13 (optional)
])
def test_seed_examples(table: CameoTable, code: str, plover: str, mode: str | None) -> None:
    entry = table.get(code)
    assert (entry.plover, entry.plover_mode) == (plover, mode)


def _expected_overrides() -> dict[str, tuple[str | None, str | None]]:
    """Every override, by the decision it encodes (kept apart from the data file on purpose)."""
    out: dict[str, tuple[str | None, str | None]] = {
        "012": ("ACCUSE", "disapprove"), "016": ("REJECT", None), "018": ("SUPPORT", None),
        "019": ("SUPPORT", None), "02": ("REQUEST", None), "020": ("REQUEST", None),
        "056": ("CONCEDE", None), "08": ("CONCEDE", None), "0831": ("RETREAT", None),
        "0813": ("CONCEDE", None), "0814": ("CONCEDE", None), "0842": ("RETREAT", None),
        "085": ("RETREAT", None), "0871": ("CONCEDE", None), "101": ("REQUEST", None),
        "105": ("REQUEST", "meet"), "106": ("REQUEST", "yield"), "107": ("REQUEST", "yield"),
        "112": ("ACCUSE", "allege"), "114": ("ACCUSE", "disapprove"),
        "116": ("SANCTION", "convict"), "124": ("REJECT", "yield"), "1241": ("REJECT", "yield"),
        "1242": ("REJECT", "yield"), "132": ("THREATEN", "restrict"),
        "1321": ("THREATEN", "restrict"), "1322": ("THREATEN", "restrict"),
        "161": ("SANCTION", "discontinue"), "163": ("SANCTION", "discontinue"),
        "1712": ("ASSAULT", "destroy"), "1722": ("COERCE", "restrict"), "175": ("ASSAULT", None),
        "1823": ("ASSAULT", "beat"), "183": ("ASSAULT", "explosives"),
        "185": ("ASSAULT", "targeted"), "186": ("ASSAULT", "targeted"),
        "195": ("ASSAULT", "aerial"), "200": ("ASSAULT", "targeted"), "201": ("ASSAULT", None),
        "202": ("ASSAULT", "targeted"), "203": ("ASSAULT", None),
    }
    for codes, mode in ((("021", "0211", "0212", "0213", "0214", "022", "023", "0231", "0232",
                          "0233", "0234"), "assist"),
                        (("024", "0241", "0242", "0243", "0244"), "change"),
                        (("025", "0251", "0252", "0253", "0254", "0255", "0256"), "yield"),
                        (("026", "027", "028"), "meet")):
        out.update({c: ("REQUEST", mode) for c in codes})
    # 035x (intent to yield) and 055 (apologise) keep the official AGREE / SUPPORT: the PLOVER
    # gold records code "agreed to lift embargoes" AGREE and apologies SUPPORT.
    return out


@pytest.mark.parametrize(("code", "expected"), sorted(_expected_overrides().items()))
def test_each_override_is_applied(table: CameoTable, code: str,
                                  expected: tuple[str | None, str | None]) -> None:
    entry = table.get(code)
    assert (entry.plover, entry.plover_mode) == expected
    assert entry.plover_reason  # documented


def test_override_file_holds_exactly_the_reviewed_decisions() -> None:
    rows = _data_rows(DATA_DIR / OVERRIDES_FILE)
    assert {r["code"] for r in rows} == set(_expected_overrides())
    assert all(r["reason"].strip() for r in rows)


def test_codes_without_plover_type_are_only_neutral_statements(table: CameoTable) -> None:
    untyped = {c.code for c in table if c.plover is None}
    assert untyped == {"01", "010", "011", "013", "014", "015", "017"}
    assert all(c.plover_reason is None for c in table if c.code in untyped)


def test_roots_map_to_the_right_side(table: CameoTable) -> None:
    """Cooperation roots (03-08) never map to conflict types, conflict roots (10-20) never to
    cooperation types, and every mode belongs to its type."""
    for entry in table:
        if entry.plover is None:
            continue
        ptype = table.plover_types[entry.plover]
        if entry.plover_mode is not None:
            assert entry.plover_mode in ptype.modes, entry.code
        if "03" <= entry.root <= "08":
            assert ptype.quad_category.endswith("cooperation"), entry.code
        if entry.root >= "10":
            assert ptype.quad_category.endswith("conflict"), entry.code
    assert {c.plover for c in table.in_root("19")} == {"ASSAULT", "COERCE"}
    assert {c.plover for c in table.in_root("02")} == {"REQUEST"}
    assert {c.plover for c in table.in_root("15")} == {"MOBILIZE"}


def test_unknown_code_names_the_fix(table: CameoTable) -> None:
    with pytest.raises(NotFoundError) as err:
        table.get("41")
    assert "'041'" in err.value.fix and "41" in str(err.value)
    with pytest.raises(FlashpointError) as err2:
        table.get("1057")
    assert "'105'" in err2.value.fix
    assert "041" in table and "41" not in table


def test_helpers(table: CameoTable) -> None:
    assert root_of("1123") == "11" and root_of("041") == "04"
    assert quad_of("193") == 4 and quad_of("041") == 1 and quad_of("106") == 3
    assert penta_of("0232") == 0 and penta_of("154") == 4
    for bad in ("41", "2101", "abc", "12345"):
        with pytest.raises(FlashpointError):
            root_of(bad)
    with pytest.raises(NotFoundError):
        quad_of("999")


def test_table_is_cached_and_hashed(table: CameoTable, tmp_path: Path) -> None:
    assert load_cameo_table() is table
    assert len(table.sha256) == 64 and int(table.sha256, 16) >= 0
    folder = _copy_data(tmp_path)
    assert read_cameo_table(folder).sha256 == table.sha256
    path = folder / OVERRIDES_FILE
    path.write_text(path.read_text("utf-8") + "# a new comment\n", encoding="utf-8")
    assert read_cameo_table(folder).sha256 != table.sha256


# --- invalid data files -----------------------------------------------------------------------


def _copy_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(parents=True)
    for name in (CODES_FILE, OVERRIDES_FILE, TYPES_FILE):
        shutil.copy(DATA_DIR / name, folder / name)
    return folder


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(("name", "old", "new", "entry", "field"), [
    (CODES_FILE, "\n154,Mobilize", "\n1x4,Mobilize", "1x4", "code"),
    (CODES_FILE, "\n154,Mobilize or increase armed forces,15,2,-7.2,",
     "\n154,Mobilize or increase armed forces,15,2,-12,", "154", "goldstein"),
    (CODES_FILE, "\n154,Mobilize or increase armed forces,15,2,-7.2,4,",
     "\n154,Mobilize or increase armed forces,15,2,-7.2,5,", "154", "quad_class"),
    (CODES_FILE, "\n154,Mobilize or increase armed forces,15,2,-7.2,4,4,",
     "\n154,Mobilize or increase armed forces,15,2,-7.2,4,7,", "154", "penta_class"),
    (CODES_FILE, "\n154,Mobilize or increase armed forces,15,2,-7.2,4,4,",
     "\n154,Mobilize or increase armed forces,15,2,-7.2,4,3,", "154", "penta_class"),
    (CODES_FILE, "\n154,Mobilize or increase armed forces,15,", "\n154,Mobilize or increase "
     "armed forces,14,", "154", "root"),
    (CODES_FILE, "\n154,Mobilize or increase armed forces,15,2,", "\n154,Mobilize or increase "
     "armed forces,15,3,", "154", "level"),
    (CODES_FILE, "\n153,Mobilize or increase police power", "\n154,Mobilize or increase police "
     "power", "154", "code"),
    (CODES_FILE, "MOBILIZE,troops,Mobilize or increase armed forces",
     "MOBILISE,troops,Mobilize or increase armed forces", "154", "plover"),
    (CODES_FILE, "MOBILIZE,troops,Mobilize or increase armed forces",
     "MOBILIZE,tanks,Mobilize or increase armed forces", "154", "plover_mode"),
    (CODES_FILE, "\n1123,Accuse of aggression,11,3", "\n1193,Accuse of aggression,11,3", "1193",
     "code"),
    (OVERRIDES_FILE, "\n106,REQUEST,yield,", "\n106,REQUEST,aid,", "106", "plover_mode"),
    (OVERRIDES_FILE, "\n106,REQUEST,yield,", "\n106,DEMAND,yield,", "106", "plover"),
    (OVERRIDES_FILE, "\n106,REQUEST,yield,", "\n999,REQUEST,yield,", "999", "code"),
    (OVERRIDES_FILE, "\n106,REQUEST,yield,", "\n106,REQUEST,meet,", "106", "plover"),
    (OVERRIDES_FILE, "\n107,REQUEST,yield,", "\n106,REQUEST,yield,", "106", "code"),
    (OVERRIDES_FILE, '\n0232,REQUEST,assist,"appeal for military aid asks for assistance '
     "(REQUEST has no 'aid' mode: assist)\"", "\n0232,REQUEST,assist,", "0232", "reason"),
    (OVERRIDES_FILE, "\n175,ASSAULT,,", "\n175,,firearms,", "175", "plover_mode"),
    (TYPES_FILE, "\nMOBILIZE,troops,material_conflict,", "\nMOBILIZE,troops,material_war,",
     "MOBILIZE/troops", "quad_category"),
    (TYPES_FILE, "\nMOBILIZE,police,material_conflict,", "\nMOBILIZE,troops,material_conflict,",
     "MOBILIZE/troops", "mode"),
    (TYPES_FILE, "\nAGREE,,verbal_cooperation,2.5,", "\nAgree,,verbal_cooperation,2.5,", "Agree",
     "type"),
])
def test_invalid_file_names_file_entry_field(tmp_path: Path, name: str, old: str, new: str,
                                             entry: str, field: str) -> None:
    folder = _copy_data(tmp_path)
    _edit(folder, name, old, new)
    with pytest.raises(DataFileError) as err:
        read_cameo_table(folder)
    exc = err.value
    assert Path(exc.path).name == name
    assert (exc.entry, exc.field) == (entry, field)
    assert name in str(exc) and repr(entry) in str(exc) and exc.fix


def test_removing_an_override_exposes_the_official_fault(tmp_path: Path) -> None:
    folder = _copy_data(tmp_path)
    _edit(folder, OVERRIDES_FILE, '\n186,ASSAULT,targeted,"\'assassinate\' is not a mode; '
          'assassinations are targeted"', "")
    with pytest.raises(DataFileError) as err:
        read_cameo_table(folder)
    assert Path(err.value.path).name == CODES_FILE
    assert (err.value.entry, err.value.field) == ("186", "plover_mode")


def test_structural_faults(tmp_path: Path) -> None:
    folder = _copy_data(tmp_path)
    _edit(folder, CODES_FILE, "code,name,root,level,goldstein,",
          "code,title,root,level,goldstein,")
    with pytest.raises(DataFileError) as err:
        read_cameo_table(folder)
    assert err.value.field == "name" and "missing column" in str(err.value)

    folder2 = _copy_data(tmp_path / "b")
    (folder2 / TYPES_FILE).unlink()
    with pytest.raises(DataFileError) as err2:
        read_cameo_table(folder2)
    assert Path(err2.value.path).name == TYPES_FILE and "not found" in str(err2.value)

    folder3 = _copy_data(tmp_path / "c")
    _edit(folder3, CODES_FILE, "\n154,Mobilize or increase armed forces,",
          "\n154,Mobilize, or increase armed forces,")
    with pytest.raises(DataFileError) as err3:
        read_cameo_table(folder3)
    assert err3.value.entry == "154" and "fields" in str(err3.value)

    folder4 = _copy_data(tmp_path / "d")
    (folder4 / CODES_FILE).write_bytes(b"code,name\n\xff\xfe\n")
    with pytest.raises(DataFileError):
        read_cameo_table(folder4)
