"""Context of coded events: place mentions and event locations, quotations, tone."""

from .gazetteer import Gazetteer, load_gazetteer
from .places import article_countries, dominant_place, event_location, find_places, unresolved
from .quotes import find_quotes, link_quotes, speaker_at
from .tone import sentence_tone, tone

__all__ = [
    "Gazetteer",
    "article_countries",
    "dominant_place",
    "event_location",
    "find_places",
    "find_quotes",
    "link_quotes",
    "load_gazetteer",
    "sentence_tone",
    "speaker_at",
    "tone",
    "unresolved",
]
