"""The site icon: browsers ask for /favicon.ico on every page, signed in or not."""

from __future__ import annotations


def test_favicon_is_served_to_anyone(client):
    response = client.get("/favicon.ico")
    try:
        assert response.status_code == 200
        assert response.mimetype == "image/vnd.microsoft.icon"
        assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    finally:
        response.close()


def test_every_page_links_its_icon(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico">' in page
