"""Postal-code profiles: which digit strings a country's code may be. A profile is data.

    >>> profile = load_profile("jp")               # bundled: jp, us, fr, de, hu
    >>> profile = load_profile("digits:6")         # generic: exactly 6 digits ("6 digits" too)
    >>> profile = load_profile("my_country.json")  # a file of your own
    >>> profile.lengths, profile.match("1000001", separators=(3,))
    ((7,), 'NNN-NNNN')

A profile file is a JSON object with exactly these keys::

    {"name": "jp",
     "description": "Japan: 7 digits, written NNN-NNNN (the hyphen is optional)",
     "formats": ["NNN-NNNN"],
     "hyphen_required": false,        # optional, default false
     "box_fields": true}              # optional, default true

Each format is a pattern of ``N`` (one digit) and ``-`` (a hyphen). A written code matches a
format when it has as many digits and any hyphen it has stands where the format has one.
``box_fields: false`` says the country's envelopes have no pre-printed boxes for the code
(US, Germany): the reader then does not search for rows of boxes (about 2 ms of a frame's
find_fields, and no box row found in a printed form can stand in for the address's code).
To add a country, drop a file into ``edge_digits/postcode/profiles/`` or pass its path.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import ConfigError

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"
KEYS = {"name", "description", "formats", "hyphen_required", "box_fields"}
REQUIRED = {"name", "formats"}
MAX_DIGITS = 12  #: longer codes are not postal codes (and would be barcodes or phone numbers)
_GENERIC = (re.compile(r"^digits:(\d+)$"), re.compile(r"^(\d+)[ _-]?digits?$"))


@dataclass(frozen=True, slots=True)
class Profile:
    """What a postal code of one country (or a generic length) looks like."""

    name: str
    formats: tuple[str, ...]  #: patterns of N (digit) and - (hyphen), e.g. "NNN-NNNN"
    description: str = ""
    hyphen_required: bool = False  #: reject a code written without its hyphen
    box_fields: bool = True  #: envelopes may have a row of pre-printed boxes for the code

    @property
    def lengths(self) -> tuple[int, ...]:
        """The digit counts a code may have."""
        return tuple(sorted({f.count("N") for f in self.formats}))

    def match(self, digits: str, separators: tuple[int, ...] = ()) -> str | None:
        """The format that ``digits`` written with hyphens before ``separators`` fits, or None.

        ``separators`` are digit indices a hyphen stands before (``(3,)`` for 100-0001).
        """
        for fmt in self.formats:
            if fmt.count("N") != len(digits):
                continue
            hyphens = _hyphen_positions(fmt)
            if any(s not in hyphens for s in separators):
                continue
            if self.hyphen_required and set(separators) != set(hyphens):
                continue
            return fmt
        return None

    def format(self, digits: str, fmt: str | None = None) -> str:
        """``digits`` laid out by ``fmt`` (default: the first format of its length)."""
        fmt = fmt or next((f for f in self.formats if f.count("N") == len(digits)), None)
        if fmt is None:
            return digits
        out, position = [], 0
        for character in fmt:
            if character == "N":
                out.append(digits[position])
                position += 1
            else:
                out.append(character)
        return "".join(out)


def _hyphen_positions(fmt: str) -> tuple[int, ...]:
    positions, digits = [], 0
    for character in fmt:
        if character == "N":
            digits += 1
        else:
            positions.append(digits)
    return tuple(positions)


def available_profiles() -> list[str]:
    """Names of the bundled profiles."""
    return sorted(path.stem for path in PROFILES_DIR.glob("*.json"))


def profile_from_dict(data: object, source: str = "profile") -> Profile:
    """Validate a profile's JSON object; raise :class:`ConfigError` naming what is wrong."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a JSON object with keys {sorted(KEYS)}, "
                          f"got {type(data).__name__}")
    unknown = set(data) - KEYS
    if unknown:
        raise ConfigError(f"{source}: unknown keys {sorted(unknown)}; expected only {sorted(KEYS)}")
    missing = REQUIRED - set(data)
    if missing:
        raise ConfigError(f"{source}: missing keys {sorted(missing)}")
    name = data["name"]
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{source}: 'name' must be a non-empty string, got {name!r}")
    formats = data["formats"]
    if not isinstance(formats, list) or not formats:
        raise ConfigError(f"{source}: 'formats' must be a non-empty list of patterns such as "
                          f"\"NNN-NNNN\", got {formats!r}")
    for fmt in formats:
        if not isinstance(fmt, str) or not re.fullmatch(r"N+(-N+)*", fmt):
            raise ConfigError(f"{source}: format {fmt!r} is not a pattern of N (digit) and "
                              "single '-' between digits, such as \"NNN-NNNN\"")
        if fmt.count("N") > MAX_DIGITS:
            raise ConfigError(f"{source}: format {fmt!r} has {fmt.count('N')} digits; at most "
                              f"{MAX_DIGITS} are supported")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(f"{source}: 'description' must be a string, got {description!r}")
    hyphen_required = data.get("hyphen_required", False)
    if not isinstance(hyphen_required, bool):
        raise ConfigError(f"{source}: 'hyphen_required' must be true or false, got "
                          f"{hyphen_required!r}")
    box_fields = data.get("box_fields", True)
    if not isinstance(box_fields, bool):
        raise ConfigError(f"{source}: 'box_fields' must be true or false, got {box_fields!r}")
    return Profile(name.strip(), tuple(formats), description, hyphen_required, box_fields)


def load_profile_file(path: str | Path) -> Profile:
    """A profile from a JSON file; :class:`ConfigError` if unreadable or malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"profile file {path} cannot be read: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"profile file {path} is not valid JSON: {exc}") from exc
    return profile_from_dict(data, f"profile file {path}")


@lru_cache(maxsize=64)
def _bundled(name: str) -> Profile | None:
    """The bundled profile ``name``, or None if there is none; read once per process: the
    files are package data, and reading and validating one costs 0.3 ms, a tenth of a
    frame's budget (every frame names its profile)."""
    path = PROFILES_DIR / f"{name}.json"
    if re.fullmatch(r"[a-z0-9_]+", name) and path.exists():
        return load_profile_file(path)
    return None


def load_profile(spec: str | Path | Profile) -> Profile:
    """A profile by name (``"jp"``), generic length (``"digits:6"``, ``"6 digits"``) or path.

    Raises
    ------
    ConfigError
        Unknown name, malformed file, or a generic length outside 1..12.
    """
    if isinstance(spec, Profile):
        return spec
    if isinstance(spec, Path):
        return load_profile_file(spec)
    if not isinstance(spec, str):
        raise ConfigError(f"profile: expected a name, 'digits:N' or a .json path, got "
                          f"{type(spec).__name__}")
    text = spec.strip().lower()
    for pattern in _GENERIC:
        found = pattern.match(text)
        if found:
            count = int(found.group(1))
            if not 1 <= count <= MAX_DIGITS:
                raise ConfigError(f"profile {spec!r}: a generic code has 1 to {MAX_DIGITS} "
                                  f"digits, got {count}")
            return Profile(f"digits:{count}", ("N" * count,), f"any {count} digits")
    if text.endswith(".json") or "/" in spec or "\\" in spec:
        return load_profile_file(spec)
    bundled = _bundled(text)
    if bundled is not None:
        return bundled
    raise ConfigError(f"unknown postcode profile {spec!r}; expected one of "
                      f"{available_profiles()}, 'digits:N' (or 'N digits'), or a .json file")
