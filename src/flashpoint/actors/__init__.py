"""Actors: who a phrase names, as CAMEO-style codes (``SRBGOV``, ``KSVCOP``, ``IGOWSTNAT``).

Public API::

    load_dictionary(user_file=None) -> ActorDictionary          # cached; .sha256 for manifests
    resolve_actor(text, d, *, date=None, context="") -> ActorMatch | None
    find_actors(sentence, d, *, date=None, context="") -> list[ActorSpan]
    ArticleCoref(d, *, date=None, context="")                   # one per article

Codes.  Country (ISO alpha-3; KSV for Kosovo) + role (``roles.toml``): ``SRBMIL``; a bare
country when no role is named (``SRB``); a bare role when no country is known (``MIL``, the
GDELT convention); IGOs by their CAMEO code plus a role word (``IGOWSTNAT``, ``IGOWSTNATMIL``,
``IGOUNOPKO``), with ``Actor.country`` None and ``Actor.group`` the three-letter known-group
code (``NAT``, ``EEC``, ``UNO``, ``AMN``).  A few IGO codes CAMEO lacks are our extension
(``source = flashpoint`` in ``igos.csv``: G20, CSTO, SCO, BRICS, APEC).  Red Cross and Amnesty
use the CAMEO NGO codes ``NGOHLHIRC`` and ``NGOHRIAMN`` (groups ``IRC``, ``AMN``); the African
Union is ``IGOAFRAFU``.  Historical states are their present successors: the USSR and
"Soviet" are RUS, Yugoslavia SRB, Czechoslovakia CZE, East/West Germany DEU, Zaire COD,
Kampuchea KHM, Rhodesia ZWE ("the former Yugoslavia" and "the former Soviet Union" are regions).

State.  ``Actor.state`` is the role's ``state`` flag: True for GOV, MIL, COP, JUD, LEG, SPY, PKO,
PRE, IGO (and a bare country); False for REB, INS, SEP, UAF, PRM, OPP, PTY, CVL, BUS, MED, JRN,
ELI, REF, CRM … Political parties (PTY) and the opposition (OPP) are non-state; protesters are
civilians (CVL, as PLOVER's "civilians/protesters/activists"); media (MED) is the CAMEO media
code, health is HLH.

People.  A person resolves to their position at ``date`` (the latest-starting tenure that covers
it); after their last position ended: their country + ELI (state False); before their first:
their country with no role (state False).  Without a date: the position whose title is written
with the name ("Palestinian Prime Minister Ismail Haniyeh"), else the current (open-ended) one,
else the most recent one.  "former"/"ousted" before a title ("former President X") makes it ELI.
A surname several known people share resolves to what they have in common ("President Bush":
USAGOV; two countries: nothing); a bare surname next to an unknown capitalised word is another
person ("Chelsea Clinton"), and one whose person belongs to another country than the phrase
names is a namesake ("Syrian Kurdish leader Salih Muslim" is SYR).  Organisations whose role
changed (the Taliban: REB, then GOV from 2021-08-15) resolve the same way, and to their nearest
period outside all of them.  A transnational group named with a country is its branch there
("Iraq's al-Qaeda": IRQ, role IMG).

Ethnic groups.  "Serb", "Kurds", "ethnic Albanians", "Kosovo Serb …" name an ethnic group
(``Actor.ethnic``), not a state.  A group with a non-state role ("heavily armed Serb gunmen")
takes the country where it operates — a place in the phrase, else the ``context`` — else the
group's home country, and is never state: KSV UAF ethnic Serb, not SRBMIL.  With a state role
("Serb forces") it keeps the state reading.  "Serbian forces" (a nationality adjective) is
SRBMIL.  "Kosovo Serb political party" is KSV PTY, ethnic Serb.

Roles.  A phrase's role is its last keyword, else its last ``weak`` word ("officials",
"forces"), else its last ``fallback`` word ("leader": "Soviet leader" is GOV, "Muslim leaders"
REL).  Weapons and strikes stand for their users: "Israeli air strikes", "Russian shelling" are
MIL, "a car bomb" UAF.  A leading quantity ("more than 200", "dozens of") is skipped, and a
phrase with no actor before "by" is its agent ("a request by Mr. Erdogan").

Places.  ``places.csv`` holds regions, provinces and the cities news often names;
``cities.csv`` every city of 100 000+ people whose name is unambiguous (generated from GeoNames:
not English words, personal names, or names two countries share).  A place next to an unknown
capitalised word is part of another name ("The New York Times"), except in title-case
headlines.

Context.  Phrases with a role but no country ("police", "gunmen", "authorities") take the
country of the place the text is set in, except roles listed as ``foreign_roles`` (MIL, SPY,
PKO …: "tanks" near a border may be anyone's).  ``find_actors`` uses a place the sentence names
after "in/near/across …" (also "near the town of X", "in the Iraqi city of X"), else its
``context``.  Anaphors ("the alliance", "the bloc") are never
resolved from the dictionary alone: only ``ArticleCoref`` does, when the IGO was named before.
"""

from __future__ import annotations

from .coref import ArticleCoref
from .load import ActorDictionary, load_dictionary
from .resolve import ActorMatch, ActorSpan, find_actors, resolve_actor

__all__ = [
    "ActorDictionary",
    "ActorMatch",
    "ActorSpan",
    "ArticleCoref",
    "find_actors",
    "load_dictionary",
    "resolve_actor",
]
