"""Context of coded events: place mentions and event locations."""

from .gazetteer import Gazetteer, load_gazetteer
from .places import article_countries, dominant_place, event_location, find_places, unresolved

__all__ = [
    "Gazetteer",
    "article_countries",
    "dominant_place",
    "event_location",
    "find_places",
    "load_gazetteer",
    "unresolved",
]
