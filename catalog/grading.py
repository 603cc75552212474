"""Grading numbers by the pattern rules of the grade table (domain-rules A10), and turning a searchable
rule into the endings it stands for and the shapes of the last four digits they have (so that a pattern
search reads one index range of the numbers of that shape, in number order).

The rules are data (NumberGradeRule); this module compiles them once into regular expressions. A
number is graded when it enters the pool and the grade is stored on it.
"""

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TAIL, RUN_UP, RUN_DOWN, CONTAINS = "tail", "run_up", "run_down", "contains"
PATTERN_RE = re.compile(r"^[A-Z0-9]{1,8}$")


def pattern_check(kind: str, pattern: str) -> None:
    """Refuse a pattern the rule kind cannot use (ValidationError: it is admin input)."""
    if not PATTERN_RE.match(pattern or ""):
        raise ValidationError(_("A pattern is 1 to 8 capital letters or digits, such as AABB or 888."))
    if kind in (RUN_UP, RUN_DOWN) and not 2 <= len(pattern) <= 8:
        raise ValidationError(_("A run is 2 to 8 digits long."))
    if kind == CONTAINS and not pattern.isdigit():
        raise ValidationError(_("A contains rule lists digits, such as 4."))


def _tail_regex(pattern: str) -> str:
    """AABB -> (\\d)\\1(?!\\1)(\\d)\\2 : same letter same digit, different letters different digits."""
    groups: dict[str, int] = {}
    parts = []
    for ch in pattern:
        if ch.isdigit():
            parts.append(ch)
        elif ch in groups:
            parts.append(f"\\{groups[ch]}")
        else:
            parts.append("".join(f"(?!\\{g})" for g in groups.values()) + r"(\d)")
            groups[ch] = len(groups) + 1
    return "".join(parts)


def _runs(length: int, up: bool) -> list[str]:
    digits = "0123456789" if up else "9876543210"
    return [digits[i:i + length] for i in range(0, 11 - length)]


@lru_cache(maxsize=256)
def rule_endings(kind: str, pattern: str) -> tuple[str, ...]:
    """Every ending a tail or run rule matches: AABB -> 90 endings, ABCD up -> 0123 ... 6789."""
    if kind in (RUN_UP, RUN_DOWN):
        return tuple(_runs(len(pattern), kind == RUN_UP))
    if kind != TAIL:
        return ()
    letters = list(dict.fromkeys(ch for ch in pattern if not ch.isdigit()))
    out = []
    for combo in permutations("0123456789", len(letters)):
        mapping = dict(zip(letters, combo, strict=True))
        out.append("".join(mapping.get(ch, ch) for ch in pattern))
    return tuple(sorted(out))


# The shape of a number's last four digits: each digit a letter, the same digit the same letter, letters in
# order of first appearance (1122 -> AABB, 8888 -> AAAA, 1231 -> ABCA). The pool stores it on every number
# (inventory: NumberResource.ending_shape) and indexes the narrow shapes.
SHAPE_DIGITS = 4


def ending_shape(digits: str) -> str:
    letters: dict[str, str] = {}
    return "".join(letters.setdefault(d, "ABCD"[len(letters)]) for d in digits[-SHAPE_DIGITS:])


# How many of the 10,000 four-digit endings have each shape, counted in one pass at import (counting each shape
# over all endings apart cost 150,000 calls: 0.2 s of every process's start, issue 20).
_TAILS = tuple(f"{n:0{SHAPE_DIGITS}d}" for n in range(10 ** SHAPE_DIGITS))
SHAPE_TAILS = dict(sorted(Counter(ending_shape(t) for t in _TAILS).items()))
SHAPES = tuple(SHAPE_TAILS)  # the 15 shapes of four digits
# Shapes that at most two digits make (AAAA, AABB, ABAB, AAAB ...): 640 of the 10,000 endings, the only ones a
# shape narrows a search to (the rest hold 720 endings or more each: ABCD alone 5,040).
NARROW_SHAPES = tuple(s for s in SHAPES if len(set(s)) <= 2)
NARROW_SHAPE_MAX_TAILS = 100  # a search uses the shape column when its shapes hold at most 1 % of the endings


@dataclass(frozen=True)
class TailShapes:
    """The shapes of the last four digits of every number that ends with one of some endings; `exact` when
    having one of those shapes is all it takes (AABB: the 90 endings are exactly the shape AABB)."""

    shapes: tuple[str, ...]
    exact: bool

    @property
    def narrow(self) -> bool:
        return sum(SHAPE_TAILS[s] for s in self.shapes) <= NARROW_SHAPE_MAX_TAILS


@lru_cache(maxsize=256)
def endings_shapes(endings: tuple[str, ...]) -> TailShapes:
    tails = set()
    for ending in endings:
        if len(ending) >= SHAPE_DIGITS:
            tails.add(ending[-SHAPE_DIGITS:])
        else:
            tails.update(t for t in _TAILS if t.endswith(ending))
    shapes = tuple(sorted({ending_shape(t) for t in tails}))
    exact = (all(len(e) <= SHAPE_DIGITS for e in endings)
             and len(tails) == sum(SHAPE_TAILS[s] for s in shapes))
    return TailShapes(shapes=shapes, exact=exact)


@dataclass(frozen=True)
class CompiledRule:
    code: str
    kind: str
    regex: re.Pattern
    grade_id: int | None
    rank: int
    priority: int
    demote_steps: int
    window: int


def compile_rule(*, code, kind, pattern, grade_id, rank, priority, demote_steps, window) -> CompiledRule:
    if kind == TAIL:
        body = _tail_regex(pattern)
    elif kind in (RUN_UP, RUN_DOWN):
        body = "(?:" + "|".join(_runs(len(pattern), kind == RUN_UP)) + ")"
    else:
        body = "[" + "".join(sorted(set(pattern))) + "]"
    return CompiledRule(code=code, kind=kind, regex=re.compile(body if kind == CONTAINS else body + r"\Z"),
                        grade_id=grade_id, rank=rank, priority=priority, demote_steps=demote_steps,
                        window=window)


class Grader:
    """Grades numbers: the highest-ranked matching rule gives the grade (ties: higher priority), then
    each matching demoting rule moves it down its steps, never below the lowest grade."""

    def __init__(self, *, rules: list[CompiledRule], grade_ranks: dict[int, int], default_grade_id: int):
        self.grading = sorted((r for r in rules if r.grade_id is not None),
                              key=lambda r: (r.rank, r.priority), reverse=True)
        self.demoting = [r for r in rules if r.grade_id is None and r.demote_steps]
        self.ladder = [gid for gid, _rank in sorted(grade_ranks.items(), key=lambda kv: kv[1])]
        self.default_grade_id = default_grade_id

    def grade(self, msisdn: str) -> tuple[int, str]:
        """(grade id, code of the rule that gave it, or "")."""
        grade_id, code = self.default_grade_id, ""
        for rule in self.grading:  # best first: the first match wins
            if rule.regex.search(msisdn):
                grade_id, code = rule.grade_id, rule.code
                break
        steps = sum(r.demote_steps for r in self.demoting if r.regex.search(msisdn[-r.window:]))
        if steps:
            position = max(self.ladder.index(grade_id) - steps, 0)
            grade_id = self.ladder[position]
        return grade_id, code


def grader_from_db() -> Grader:
    """Compile the active rules of the grade table (a few queries; build once per import)."""
    from catalog.errors import GradeTableIncompleteError
    from catalog.models import NumberGrade, NumberGradeRule

    grades = {g.pk: g for g in NumberGrade.objects.all()}
    default = next((g for g in grades.values() if g.is_default), None)
    if default is None:
        raise GradeTableIncompleteError()
    rules = [
        compile_rule(code=r.code, kind=r.kind, pattern=r.pattern, grade_id=r.grade_id,
                     rank=grades[r.grade_id].rank if r.grade_id else -1, priority=r.priority,
                     demote_steps=r.demote_steps, window=r.window)
        for r in NumberGradeRule.objects.filter(active=True)
    ]
    return Grader(rules=rules, grade_ranks={pk: g.rank for pk, g in grades.items()}, default_grade_id=default.pk)


# The number pool (inventory, a layer above) grades its free numbers again when the admin asks after a change
# of the grade table; it registers how at start-up (inventory/apps.py).
_regrade_hooks: list = []


def grade_table_regrade_hook(fn) -> None:
    if fn not in _regrade_hooks:
        _regrade_hooks.append(fn)


def grade_table_regrade_request() -> None:
    """Ask every registered pool to grade its free numbers again (in the background)."""
    for fn in _regrade_hooks:
        fn()
