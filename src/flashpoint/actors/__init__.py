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
Union is ``IGOAFRAFU``.

State.  ``Actor.state`` is the role's ``state`` flag: True for GOV, MIL, COP, JUD, LEG, SPY, PKO,
PRE, IGO (and a bare country); False for REB, INS, SEP, UAF, PRM, OPP, PTY, CVL, BUS, MED, JRN,
ELI, REF, CRM … Political parties (PTY) and the opposition (OPP) are non-state; protesters are
civilians (CVL, as PLOVER's "civilians/protesters/activists"); media (MED) is the CAMEO media
code, health is HLH.

People.  A person resolves to their position at ``date`` (the latest-starting tenure that covers
it); after their last position ended: their country + ELI (state False); before their first:
their country with no role (state False).  Without a date: the current (open-ended) position,
else the most recent one.  Organisations whose role changed (the Taliban: REB, then GOV from
2021-08-15) resolve the same way, and to their nearest period outside all of them.

Ethnic groups.  "Serb", "Kurds", "ethnic Albanians", "Kosovo Serb …" name an ethnic group
(``Actor.ethnic``), not a state.  A group with a non-state role ("heavily armed Serb gunmen")
takes the country where it operates — a place in the phrase, else the ``context`` — else the
group's home country, and is never state: KSV UAF ethnic Serb, not SRBMIL.  With a state role
("Serb forces") it keeps the state reading.  "Serbian forces" (a nationality adjective) is
SRBMIL.  "Kosovo Serb political party" is KSV PTY, ethnic Serb.

Context.  Phrases with a role but no country ("police", "gunmen", "authorities") take the
country of the place the text is set in, except roles listed as ``foreign_roles`` (MIL, SPY,
PKO …: "tanks" near a border may be anyone's).  ``find_actors`` uses a place the sentence names
after "in/near/across …", else its ``context``.  Anaphors ("the alliance", "the bloc") are never
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
