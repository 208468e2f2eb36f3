from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flashpoint import ids
from flashpoint.clean import clean, decode, detect_language
from flashpoint.errors import InputError
from flashpoint.model import DocKind, PublishedStatus, RawDocument
from flashpoint.options import Options

GOLDEN = Path(__file__).parent / "golden" / "seed_clean.json"
OPTS = Options()

EN = [
    "Kosovo reopened the Jarinje crossing on Saturday after a three-week closure, the interior "
    "ministry in Pristina said in a statement.",
    "Both governments agreed to share intelligence on armed groups operating near the border, "
    "and the agreement was shared with European Union mediators, officials said.",
    "Traffic was expected to return to normal by Monday, although police said checks would "
    "remain in place for lorries carrying goods.",
]
SR = [
    "Vlada Srbije je u subotu saopštila da će nastaviti razgovore sa predstavnicima Evropske "
    "unije o situaciji na severu Kosova.",
    "Predsednik je rekao novinarima u Beogradu da zemlja ne želi sukob, ali da će zaštititi "
    "svoje građane i njihova prava.",
    "Opozicione stranke zatražile su hitnu sednicu skupštine kako bi poslanici raspravljali o "
    "bezbednosti i ekonomiji.",
]


def text_doc(text: str, **hints: str | None) -> RawDocument:
    return RawDocument(data=text.encode("utf-8"), origin="test.txt", kind=DocKind.TEXT, **hints)


def page(head: str = "", body_extra: str = "", paragraphs: list[str] = EN) -> str:
    paras = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><title>Jarinje crossing reopens | Balkan Daily</title>"
            f"{head}</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
            f"<article><h1>Jarinje crossing reopens after three weeks</h1>{paras}{body_extra}"
            f"</article><footer>Copyright 2023 Balkan Daily</footer></body></html>")


def html_doc(html: str, url: str | None = "https://www.balkandaily.example/world/jarinje",
             **hints: str | None) -> RawDocument:
    return RawDocument(data=html.encode("utf-8"), origin="page.html", kind=DocKind.HTML, url=url,
                       **hints)


# --- the seed ----------------------------------------------------------------------------------

SEED_RESIDUE = ['" "', "0 37", "About Author", "Leave a Reply",
                "Your email address will not be published. Required fields are marked *",
                "%d bloggers like this:"]


def test_seed_golden(seed_path: Path) -> None:
    doc = RawDocument(data=seed_path.read_bytes(), origin=str(seed_path), kind=DocKind.TEXT)
    article = clean(doc, OPTS)
    assert article.title == ("Tensions rise as U.S. expresses concern Over Serbian military "
                             "build-up near Kosovo")
    paragraphs = article.paragraphs
    assert len(paragraphs) == 13
    assert article.text == "\n\n".join(paragraphs)
    assert paragraphs[0].startswith("The United States government has issued a stern warning")
    assert paragraphs[-1].endswith("foster dialogue between the parties involved.")
    for line in SEED_RESIDUE:
        assert line not in paragraphs
        assert line not in article.text
    assert article.title not in article.text
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert hashlib.sha256(article.text.encode("utf-8")).hexdigest() == golden["body_sha256"]
    assert article.content_sha == golden["content_sha"]
    assert article.published is None and article.published_status is PublishedStatus.UNKNOWN
    assert article.lang == "en"
    assert article.raw == doc.data and article.raw_sha == hashlib.sha256(doc.data).hexdigest()
    assert article.article_id == ids.article_id(None, article.text)


def test_seed_with_published_override(seed_path: Path) -> None:
    doc = RawDocument(data=seed_path.read_bytes(), origin=str(seed_path), kind=DocKind.TEXT)
    article = clean(doc, OPTS, published=datetime(2023, 9, 30), source="seed-site")
    assert article.published == datetime(2023, 9, 30, tzinfo=UTC)
    assert article.published_offset_min is None
    assert article.published_status is PublishedStatus.OVERRIDE
    assert article.source == "seed-site"


# --- decoding and rejections -------------------------------------------------------------------


def test_cp1252_smart_quotes() -> None:
    text = "“We will not allow it,” the minister said — again. " + " ".join(EN)
    article = clean(RawDocument(data=text.encode("cp1252"), origin="a.txt", kind=DocKind.TEXT),
                    OPTS)
    assert article.text.startswith("“We will not allow it,” the minister said — again.")


def test_latin1_and_declared_encodings() -> None:
    assert decode("Priština, Čačak".encode("cp1250"), "windows-1250") == "Priština, Čačak"
    assert decode("café".encode("latin-1")) == "café"
    assert decode(b"caf\xe9 \x81") == "café \x81"  # not cp1252 (0x81 undefined): latin-1
    assert decode("Priština".encode(), "iso-8859-1") == "Priština"  # mislabelled UTF-8
    assert decode("“quoted”".encode("cp1252"), "iso-8859-1") == "“quoted”"  # as browsers do
    assert decode("\ufeffPriština".encode("utf-16")) == "Priština"
    assert decode(b"\xef\xbb\xbfhello") == "hello"
    assert decode(b"<meta charset='windows-1251'>" + "Москва".encode("cp1251"), html=True) \
        .endswith("Москва")


def test_latin1_text_document() -> None:
    text = "Le ministre a déclaré à Pristina que la frontière resterait ouverte. " + " ".join(EN)
    article = clean(RawDocument(data=text.encode("latin-1"), origin="fr.txt", kind=DocKind.TEXT),
                    OPTS)
    assert "déclaré à Pristina" in article.text


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"),
    (b"  \n\t \r\n ", "empty"),
    ("\ufeff\u200b\n".encode(), "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    (bytes((i * 37) % 256 for i in range(3000)), "binary"),
    (b"Kosovo \x00\x00\x01\x02 Serbia " * 40, "binary"),
    (b"Kosovo and Serbia agreed to talk.", "too-short"),
    (b"Share this:\n\nTwitter\n\nLeave a Reply\n\n0 37", "too-short"),
])
def test_rejections(data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as info:
        clean(RawDocument(data=data, origin="bad.txt", kind=DocKind.TEXT), OPTS)
    assert info.value.reason == reason
    assert "bad.txt" in str(info.value)


def test_too_large_and_record_without_text() -> None:
    with pytest.raises(InputError) as info:
        clean(text_doc(" ".join(EN)), Options(max_file_bytes=100))
    assert info.value.reason == "too-large"
    with pytest.raises(InputError) as info:
        clean(RawDocument(data=b"{}", origin="r.jsonl:1", kind=DocKind.RECORD), OPTS)
    assert info.value.reason == "no-text"


# --- normalisation -------------------------------------------------------------------------------


def test_normalisation() -> None:
    decomposed = "Prishtine\u0301"  # e + combining acute
    text = ("Border talks resume in Brussels\r\n\r\n\r\n"
            f"  {EN[0]}   {decomposed}\u00a0 was\tnamed.\u200b \r\n\r\n\r\n\r\n{EN[1]}"
            f"\n\n \n\n{EN[2]}")
    article = clean(text_doc(text), OPTS)
    assert article.title == "Border talks resume in Brussels"
    assert article.paragraphs[0] == f"{EN[0]} Prishtiné was named."
    assert article.text == "\n\n".join([f"{EN[0]} Prishtiné was named.", EN[1], EN[2]])
    assert "Border talks" not in article.text


def test_title_fallbacks() -> None:
    given = clean(text_doc("\n\n".join(EN), title="Feed title for the item"), OPTS)
    assert given.title == "Feed title for the item"
    derived = clean(text_doc("\n\n".join(EN[1:] + EN[:1])), OPTS)
    assert derived.title.endswith("…") and len(derived.title) <= 121
    assert EN[1].startswith(derived.title[:-1])
    short = clean(text_doc("Serbia and Kosovo agreed to talk. " + " ".join(EN)), OPTS)
    assert short.title == "Serbia and Kosovo agreed to talk."
    long_first = "word " * 60 + "end. " + " ".join(EN)
    title = clean(text_doc(long_first), OPTS).title
    assert title.endswith("…") and len(title) <= 121


# --- records -------------------------------------------------------------------------------------


def test_record_text_is_only_normalised() -> None:
    body = "\n\n".join(["Short line", *EN])
    doc = RawDocument(data=b'{"id": "a1"}', origin="in.jsonl:1", kind=DocKind.RECORD, text=body,
                      title="Record title", doc_id="a1", published="2023-09-30",
                      url="https://example.org/a1")
    article = clean(doc, OPTS)
    assert article.article_id == "a1"
    assert article.title == "Record title"
    assert article.paragraphs == ["Short line", *EN]
    assert article.published == datetime(2023, 9, 30, tzinfo=UTC)
    assert article.published_status is PublishedStatus.GIVEN
    assert article.source == "example.org"


def test_record_text_with_clear_residue_is_filtered() -> None:
    body = "\n\n".join([*EN, "Share this:", "Twitter", "Leave a Reply", "Nice one."])
    doc = RawDocument(data=b"{}", origin="in.jsonl:2", kind=DocKind.RECORD, text=body)
    assert clean(doc, OPTS).paragraphs == EN


def test_record_html() -> None:
    doc = RawDocument(data=b"{}", origin="in.jsonl:3", kind=DocKind.RECORD, html=page())
    article = clean(doc, OPTS)
    assert article.paragraphs == EN
    assert article.published_status is PublishedStatus.UNKNOWN


# --- HTML ----------------------------------------------------------------------------------------

JSONLD = ('<script type="application/ld+json">{"@context": "https://schema.org", '
          '"@type": "NewsArticle", "datePublished": "2023-09-30T14:05:00+02:00", '
          '"author": {"@type": "Person", "name": "Jane Doe"}}</script>')


def test_html_jsonld_date() -> None:
    article = clean(html_doc(page(JSONLD)), OPTS)
    assert article.published == datetime(2023, 9, 30, 12, 5, tzinfo=UTC)
    assert article.published_offset_min == 120
    assert article.published_status is PublishedStatus.PARSED
    assert article.author == "Jane Doe"
    assert article.paragraphs == EN
    assert article.title == "Jarinje crossing reopens after three weeks"
    assert article.title not in article.text
    assert article.lang == "en"


def test_html_meta_published_time() -> None:
    meta = '<meta property="article:published_time" content="2023-09-30T08:30:00-04:00">'
    article = clean(html_doc(page(meta)), OPTS)
    assert article.published == datetime(2023, 9, 30, 12, 30, tzinfo=UTC)
    assert article.published_offset_min == -240
    assert article.published_status is PublishedStatus.PARSED


def test_html_without_date_is_unknown() -> None:
    article = clean(html_doc(page()), OPTS)
    assert article.published is None
    assert article.published_offset_min is None
    assert article.published_status is PublishedStatus.UNKNOWN


def test_override_beats_given_and_page() -> None:
    doc = html_doc(page(JSONLD), published="Fri, 29 Sep 2023 10:00:00 +0000")
    when = datetime(2023, 10, 1, 9, 0, tzinfo=UTC)
    article = clean(doc, OPTS, published=when)
    assert article.published == when and article.published_offset_min == 0
    assert article.published_status is PublishedStatus.OVERRIDE


def test_feed_rfc822_given_date_beats_page() -> None:
    doc = html_doc(page(JSONLD), published="Fri, 29 Sep 2023 22:15:00 +0200")
    article = clean(doc, OPTS)
    assert article.published == datetime(2023, 9, 29, 20, 15, tzinfo=UTC)
    assert article.published_offset_min == 120
    assert article.published_status is PublishedStatus.GIVEN


def test_unparseable_given_date_falls_back_to_page() -> None:
    article = clean(html_doc(page(JSONLD), published="sometime last week"), OPTS)
    assert article.published_status is PublishedStatus.PARSED


def test_source_and_canonical() -> None:
    head = ('<meta property="og:site_name" content="Balkan Daily">'
            '<link rel="canonical" href="https://www.balkandaily.example/world/jarinje-crossing">')
    doc = html_doc(page(head), url="https://www.balkandaily.example/world/jarinje?utm_source=x")
    article = clean(doc, OPTS)
    assert article.source == "Balkan Daily"
    assert article.canonical_url == "https://balkandaily.example/world/jarinje-crossing"
    assert article.article_id == ids.article_id(article.canonical_url, article.text)
    assert article.url == "https://www.balkandaily.example/world/jarinje?utm_source=x"
    assert clean(doc, OPTS, source="Override").source == "Override"
    assert clean(html_doc(page(head), source="Hint"), OPTS).source == "Hint"
    assert clean(html_doc(page()), OPTS).source == "balkandaily.example"


def test_foreign_or_home_canonical_is_ignored() -> None:
    for href in ("https://other.example/story", "https://www.balkandaily.example/"):
        doc = html_doc(page(f'<link rel="canonical" href="{href}">'))
        assert clean(doc, OPTS).canonical_url == "https://balkandaily.example/world/jarinje"


def test_html_widget_lines_left_by_trafilatura_are_removed() -> None:
    extra = ("<div class='sharedaddy'><h3>Share this:</h3><ul><li>Twitter</li><li>Facebook</li>"
             "</ul></div><div><h3>Like this:</h3><p>Like Loading...</p></div><h3>Related</h3>"
             "<p>Serbia and Kosovo leaders meet in Brussels</p><p>Posted in World</p>"
             "<div id='respond'><h3>Leave a Reply</h3><p>Your email address will not be "
             "published. Required fields are marked *</p></div>")
    assert clean(html_doc(page(body_extra=extra)), OPTS).paragraphs == EN


def test_page_title_variant_is_not_body() -> None:
    html = page(paragraphs=["Jarinje crossing reopens", *EN])
    article = clean(html_doc(html, title="Jarinje crossing reopens"), OPTS)
    assert article.paragraphs == EN


def test_text_date_line_is_parsed_and_given_wins() -> None:
    text = "\n\n".join(["Jarinje crossing reopens after three weeks", "By Ana Kovač",
                        "Posted on September 30, 2023", *EN])
    article = clean(text_doc(text), OPTS)
    assert article.published == datetime(2023, 9, 30, tzinfo=UTC)
    assert article.published_offset_min is None
    assert article.published_status is PublishedStatus.PARSED
    assert article.author == "Ana Kovač"
    given = clean(text_doc(text, published="2023-10-01T08:00:00+02:00"), OPTS)
    assert given.published == datetime(2023, 10, 1, 6, 0, tzinfo=UTC)
    assert given.published_status is PublishedStatus.GIVEN


def test_html_fragment_from_a_feed() -> None:
    fragment = "".join(f"<p>{p}</p>" for p in EN)
    article = clean(html_doc(fragment, url=None, title="Item title"), OPTS)
    assert article.paragraphs == EN
    assert article.title == "Item title"


@pytest.mark.parametrize("html", [
    "<html><body><p>" + EN[0] + "<div><b>" + EN[1] + "</p></i><p>" + EN[2],
    "<<<>>><html<<body>>" + " ".join(EN) + "</td></tr></table>",
    "<html><head><script>var x = '</p>';</script></head><body>" + "<div>" * 400 + " ".join(EN),
    "<html><body></body></html>",
    "not html at all, just words",
    "<?xml version='1.0' encoding='utf-8'?><rss><channel><item>x</item></channel></rss>",
])
def test_malformed_html_does_not_crash(html: str) -> None:
    try:
        article = clean(html_doc(html), OPTS)
    except InputError as exc:
        assert exc.reason in {"no-text", "too-short", "empty"}
    else:
        assert article.text and "\n\n\n" not in article.text


# --- language ------------------------------------------------------------------------------------


def test_language_english_and_serbian() -> None:
    english = clean(text_doc("\n\n".join(EN)), OPTS)
    serbian = clean(text_doc("\n\n".join(SR)), OPTS)
    assert english.lang == "en" and english.lang_score is not None and english.lang_score > 0.5
    assert serbian.lang in {"sr", "hr", "bs", "sh"}
    assert detect_language("") == (None, None)
