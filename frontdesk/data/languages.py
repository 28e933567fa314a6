"""Language codes (ISO 639-1 and a few 639-3) to the names a clerk says out loud."""

from __future__ import annotations

NAMES = {
    "en": "English",
    "es": "Spanish",
    "vi": "Vietnamese",
    "zh": "Chinese",
    "yue": "Cantonese",
    "ar": "Arabic",
    "pl": "Polish",
    "so": "Somali",
    "ru": "Russian",
    "ko": "Korean",
    "tl": "Tagalog",
    "fr": "French",
    "ht": "Haitian Creole",
    "pt": "Portuguese",
    "hi": "Hindi",
    "ur": "Urdu",
    "bn": "Bengali",
    "fa": "Persian",
    "am": "Amharic",
    "sw": "Swahili",
    "ne": "Nepali",
    "my": "Burmese",
    "uk": "Ukrainian",
    "ga": "Irish",
    "de": "German",
    "it": "Italian",
    "ja": "Japanese",
    "hmn": "Hmong",
    "km": "Khmer",
    "asl": "American Sign Language",
    "yo": "Yoruba",
    "ig": "Igbo",
    "sv": "Swedish",
}


def language_name(code: str) -> str:
    """``"es"`` -> ``"Spanish"``; an unknown code or a typed name comes back as it is."""
    return NAMES.get(code.strip().casefold(), code)
