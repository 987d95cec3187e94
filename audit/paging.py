"""Pages of a list that grows with the portfolio: the count in SQL, one page of rows fetched.

Every list a national portfolio makes long (audits, units, accounts, an institution's units,
an audit's history) shows at most `per_page` rows and a pager (`templates/_pager.html`). A page
number from a link or a person is read by `page_number`: anything that is not a plain whole
number is refused (the view ignores it, says so and shows the first page); a number past the
last page shows the last page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, or_, select

from audit.extensions import db

T = TypeVar("T")

#: The largest page number read (a six-digit number; anything longer is not a page).
MAX_PAGE = 999_999


def page_number(text: str | None) -> int | None:
    """A page number people or links write ("3"); 1 when there is none; None when it is not a
    page number at all."""
    text = (text or "").strip()
    if not text:
        return 1
    if not (text.isascii() and text.isdigit()) or len(text) > 6 or int(text) < 1:
        return None
    return int(text)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows and where it sits in the whole."""

    items: Sequence[T]
    page: int
    per_page: int
    total: int
    #: The total was counted only up to `total`: there are more rows than that.
    capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_row(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last_row(self) -> int:
        return min(self.total, self.page * self.per_page)

    def numbers(self) -> list[int | None]:
        """The page numbers a pager links: the first, the last and two either side of this
        one; None where numbers are left out."""
        shown: list[int | None] = []
        for number in range(1, self.pages + 1):
            if number in (1, self.pages) or abs(number - self.page) <= 2:
                shown.append(number)
            elif shown and shown[-1] is not None:
                shown.append(None)
        return shown


def count(stmt: Select[Any], cap: int | None = None) -> int:
    """How many rows `stmt` gives, counted by the database (at most `cap` + 1: a search that
    matches most of a national portfolio stops counting there)."""
    counted = stmt.order_by(None)
    if cap is not None:
        counted = counted.limit(cap + 1)
    found = counted.subquery()
    return int(db.session.scalar(select(func.count()).select_from(found)) or 0)


def paginate(
    stmt: Select[Any],
    page: int,
    per_page: int,
    *,
    scalars: bool = True,
    total: int | None = None,
    cap: int | None = None,
) -> Page[Any]:
    """Page `page` (1-based; past the end: the last page) of `stmt`, which must be ordered;
    `total`, when the caller already knows how many rows there are, saves counting them;
    `cap` counts no further than that many rows (the pager then says "more than")."""
    total = count(stmt, cap) if total is None else total
    capped = cap is not None and total > cap
    if capped:
        total = cap or 0
    last = max(1, -(-total // per_page))
    page = min(max(1, page), last)
    limited = stmt.limit(per_page).offset((page - 1) * per_page)
    rows = db.session.scalars(limited).all() if scalars else db.session.execute(limited).all()
    return Page(list(rows), page, per_page, total, capped)


def requested_page(text: str | None, ignored: list[str], label: str) -> int:
    """The page asked for; the first page, with `label` added to `ignored`, when the text is
    not a page number."""
    page = page_number(text)
    if page is None:
        ignored.append(label)
        return 1
    return page


def name_contains(expr: Any, text: str) -> Any:
    """A condition: the name `expr` contains `text`, whatever the case (LIKE wildcards in the
    text are taken literally)."""
    return func.lower(expr).contains(text.lower(), autoescape=True)


#: The longest search text read from a name filter.
MAX_SEARCH = 100
#: A search counts its matches up to this many (beyond: "more than 1,000").
SEARCH_COUNT_CAP = 1_000


def search_text(raw: str | None) -> str:
    """The text to search for: trimmed, without control characters (which no name holds and
    PostgreSQL refuses in a string), at most `MAX_SEARCH` characters."""
    kept = "".join(ch for ch in (raw or "") if ch.isprintable() or ch == " ")
    return kept.strip()[:MAX_SEARCH]


@dataclass(frozen=True)
class NameSearch:
    """What a searched list asked for: the page, the search text, and what was ignored."""

    page: int
    text: str
    ignored: list[str]

    @property
    def args(self) -> dict[str, str]:
        """What the pager's links keep."""
        return {"q": self.text} if self.text else {}


def name_search(page_text: str | None, search: str | None, page_label: str) -> NameSearch:
    """Read a searched list's page number and search text (`page_label` names the page
    number in the notice when it is not one)."""
    ignored: list[str] = []
    page = requested_page(page_text, ignored, page_label)
    return NameSearch(page, search_text(search), ignored)


def searched(stmt: Select[Any], search: NameSearch, per_page: int, *names: Any) -> Page[Any]:
    """The page of `stmt` asked for, narrowed to rows where one of `names` contains the
    search text; a search counts its matches up to `SEARCH_COUNT_CAP`."""
    if search.text:
        stmt = stmt.where(or_(*(name_contains(name, search.text) for name in names)))
    cap = SEARCH_COUNT_CAP if search.text else None
    return paginate(stmt, search.page, per_page, cap=cap)
