"""Articles from web pages: fetch a URL and extract the main text with trafilatura.

trafilatura is maintained, works offline on the HTML it is given, and drops navigation,
comments and boilerplate; its plain-text output keeps one paragraph per line.
"""

from __future__ import annotations

from articles.importing.fetching import fetch
from articles.importing.records import ImportFormatError, Record


def extract_html(where: str, html: str, *, url: str = "") -> Record:
    import trafilatura

    text = trafilatura.extract(
        html, url=url or None, include_comments=False, include_tables=False, favor_precision=True
    )
    if not text or not text.strip():
        raise ImportFormatError(f"{where}: no article text could be extracted.", field="url")
    metadata = trafilatura.extract_metadata(html, default_url=url or None)
    title = (metadata.title if metadata else "") or ""
    author = (metadata.author if metadata else "") or ""
    published = (metadata.date if metadata else None) or None
    first, _, rest = text.strip().partition("\n")
    if title and first.strip() == title.strip() and rest.strip():
        text = rest  # the headline is the title, not part of the body
    return Record(
        where=where,
        text=text,
        title=title,
        author=author,
        source_url=url,
        published_at=published,
        meta={"extracted_by": f"trafilatura {trafilatura.__version__}"},
    )


def fetch_article(url: str, *, timeout: float | None = None) -> Record:
    """Download ``url`` (public addresses only, size-limited: ``fetching``) and extract its
    article."""
    page = fetch(url, timeout=timeout)
    try:
        html = page.body.decode(page.charset or "utf-8", errors="replace")
    except LookupError:
        html = page.body.decode("utf-8", errors="replace")
    return extract_html(url, html, url=url)
