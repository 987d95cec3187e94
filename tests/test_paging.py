"""Page numbers, pager links and search text (pure)."""

from __future__ import annotations

import pytest

from audit.paging import MAX_SEARCH, Page, page_number, search_text


@pytest.mark.parametrize(
    ("text", "page"),
    [
        (None, 1),
        ("", 1),
        ("  ", 1),
        ("1", 1),
        (" 3 ", 3),
        ("999999", 999999),
        ("1000000", None),
        ("0", None),
        ("-2", None),
        ("2.5", None),
        ("abc", None),
        ("٣", None),  # an Arabic-Indic digit is a digit to Python, not a page number here
        ("1e3", None),
        ("\x00", None),
    ],
)
def test_page_number_reads_plain_whole_numbers_only(text, page):
    assert page_number(text) == page


def test_a_page_knows_its_rows_and_links_the_pages_around_it():
    middle = Page(items=list(range(50)), page=10, per_page=50, total=1_000)
    assert middle.pages == 20
    assert (middle.first_row, middle.last_row) == (451, 500)
    assert middle.numbers() == [1, None, 8, 9, 10, 11, 12, None, 20]
    first = Page(items=[1, 2], page=1, per_page=50, total=2)
    assert first.pages == 1
    assert first.numbers() == [1]
    assert (first.first_row, first.last_row) == (1, 2)
    empty = Page(items=[], page=1, per_page=50, total=0)
    assert empty.pages == 1
    assert (empty.first_row, empty.last_row) == (0, 0)
    last = Page(items=[1], page=3, per_page=2, total=5)
    assert last.numbers() == [1, 2, 3]
    assert (last.first_row, last.last_row) == (5, 5)


def test_search_text_drops_control_characters_and_is_bounded():
    assert search_text(None) == ""
    assert search_text("  Station\x00 A\t ") == "Station A"
    assert search_text("مخفر") == "مخفر"
    assert len(search_text("x" * 1_000)) == MAX_SEARCH
