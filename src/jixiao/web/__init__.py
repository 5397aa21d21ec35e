"""The web application: JSON API, pages, security (see docs/design/web.md)."""
