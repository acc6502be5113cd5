"""Articles from web pages: fetch a URL and extract the main text with trafilatura.

trafilatura is maintained, works offline on the HTML it is given, and drops navigation,
comments and boilerplate; its plain-text output keeps one paragraph per line.
"""

from __future__ import annotations

import urllib.error
import urllib.request

from django.conf import settings

from articles.importing.records import ImportFormatError, Record

USER_AGENT = "opinion-annotator/0.1 (+article import)"


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
    """Download ``url`` (http/https only, size-limited) and extract its article."""
    if not url.startswith(("http://", "https://")):
        raise ImportFormatError("Only http:// and https:// URLs can be fetched.", field="url")
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(
            request, timeout=timeout or getattr(settings, "IMPORT_FETCH_TIMEOUT", 20)
        ) as response:
            data = response.read(limit + 1)
            charset = response.headers.get_content_charset() or "utf-8"
    except urllib.error.HTTPError as error:
        raise ImportFormatError(f"{url}: the server answered {error.code}.", field="url") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ImportFormatError(f"{url}: could not be fetched ({reason}).", field="url") from None
    if len(data) > limit:
        raise ImportFormatError(
            f"{url}: the page is larger than {limit} bytes (IMPORT_MAX_UPLOAD_BYTES).", field="url"
        )
    try:
        html = data.decode(charset, errors="replace")
    except LookupError:
        html = data.decode("utf-8", errors="replace")
    return extract_html(url, html, url=url)
