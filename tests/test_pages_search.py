"""The search page: form, highlighted results linking into the editor, empty states, pages,
bad input as a 400 with the field named, outsiders 404, the link from the project's pages."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import make_article, make_human_span, make_project, make_suggestion

TEXT = (
    "Budget week.\nThe city spent 61 million euros on electric buses, the mayor said on "
    "Monday at a long press conference about transport.\nOther news."
)


def _url(project):
    return reverse("articles:project_search", args=[project.pk])


def test_results_highlight_the_match_and_link_into_the_editor(client, viewer, project):
    article = make_article(project, TEXT, title="Buses")
    start = TEXT.index("The city")
    span = make_suggestion(article, "claim", start, TEXT.index(", the mayor"))
    client.force_login(viewer)
    response = client.get(_url(project), {"q": "electric", "label": "claim", "speaker": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="/articles/{article.pk}/#span-{span.pk}">Open in the editor</a>' in html
    assert (
        '<span class="hit-span">The city spent 61 million euros on <mark>electric</mark> '
        "buses</span>, the mayor said" in html
    )
    assert "Budget week" not in html  # the snippet stays in the span's paragraph
    assert '<option value="claim" selected>claim</option>' in html
    assert 'value="electric"' in html


def test_filters_without_words_and_the_verdict_menu(client, owner, project):
    article = make_article(project, TEXT, title="Buses")
    make_human_span(article, owner, "claim", 13, 40, verdict="false")
    make_suggestion(article, "claim", 13, 40)
    client.force_login(owner)
    html = client.get(_url(project), {"verdict": "false"}).content.decode()
    assert html.count('class="card hit"') == 1
    assert "owner's layer" in html and '<option value="mostly true">' in html


def test_empty_states(client, viewer, project):
    client.force_login(viewer)
    html = client.get(_url(project)).content.decode()
    assert "Find a claim, a quote or a speaker" in html and "No span matches" not in html
    html = client.get(_url(project), {"q": "nothing"}).content.decode()
    assert "No span matches" in html and "Clear the search" in html


def test_pages_follow_the_cursor(client, viewer, project):
    for n in range(23):
        text = f"Claim number {n} about the buses."
        make_suggestion(make_article(project, text), "claim", 0, len(text))
    client.force_login(viewer)
    first = client.get(_url(project), {"q": "buses"}).content.decode()
    assert first.count('class="card hit"') == 20 and 'rel="prev"' not in first
    next_url = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = client.get(_url(project) + next_url.replace("&amp;", "&")).content.decode()
    assert second.count('class="card hit"') == 3 and 'rel="prev"' in second
    assert 'rel="next"' not in second


def test_bad_input_is_400_naming_the_field(client, viewer, project):
    client.force_login(viewer)
    response = client.get(_url(project), {"status": "maybe", "cursor": "x"})
    assert response.status_code == 400
    assert "<strong>status</strong>" in response.content.decode()
    response = client.get(_url(project), {"label": "nonsense"})
    assert response.status_code == 400 and "No label named" in response.content.decode()


def test_outsiders_get_404_and_members_find_the_link(client, outsider, teammate, project):
    client.force_login(outsider)
    assert client.get(_url(project)).status_code == 404
    make_project(outsider, "Elsewhere")
    client.force_login(teammate)
    html = client.get(reverse("articles:article_list", args=[project.pk])).content.decode()
    assert f'<a href="{_url(project)}">Search</a>' in html
