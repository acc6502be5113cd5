"""Projects, members, labels, article and span lists: visibility, roles, filters, cursors."""

from articles.models import Label, Membership
from articles.services import review_set_state
from tests.factories import make_article, make_decision, make_project, make_suggestion, make_user


def test_members_see_project_outsiders_get_404(client_for, owner, viewer, outsider, project):
    listing = client_for(viewer).get("/api/projects/").json()
    assert [(p["id"], p["my_role"]) for p in listing["results"]] == [(project.pk, "viewer")]
    assert client_for(outsider).get("/api/projects/").json()["results"] == []
    assert client_for(outsider).get(f"/api/projects/{project.pk}/").status_code == 404
    assert client_for(owner).get(f"/api/projects/{project.pk}/").json()["my_role"] == "admin"


def test_only_admins_update_project(client_for, owner, teammate, viewer, project):
    url = f"/api/projects/{project.pk}/"
    for user in (teammate, viewer):
        assert client_for(user).patch(url, {"description": "x"}).status_code == 403
    project.refresh_from_db()
    assert project.description == ""
    response = client_for(owner).patch(url, {"description": "Desk"}, format="json")
    assert response.status_code == 200 and response.json()["description"] == "Desk"
    project.refresh_from_db()
    assert project.description == "Desk"
    make_project(owner, name="Taken")
    clash = client_for(owner).patch(url, {"name": "Taken"}, format="json")
    assert clash.status_code == 409 and "name" in clash.json()


def test_members_managed_by_admin(client_for, owner, teammate, project):
    newcomer = make_user("newcomer")
    url = f"/api/projects/{project.pk}/members/"
    denied = client_for(teammate).post(url, {"user": "newcomer", "role": "editor"})
    assert denied.status_code == 403
    added = client_for(owner).post(url, {"user": "newcomer", "role": "viewer"})
    assert added.status_code == 200 and added.json()["role"] == "viewer"
    unknown = client_for(owner).post(url, {"user": "ghost", "role": "viewer"})
    assert unknown.status_code == 400 and "user" in unknown.json()
    users = [m["user"] for m in client_for(teammate).get(url).json()["results"]]
    assert users == ["owner", "teammate", "reviewer", "viewer", "newcomer"]
    assert client_for(owner).delete(f"{url}newcomer/").status_code == 204
    assert not Membership.objects.filter(user=newcomer).exists()
    last_admin = client_for(owner).delete(f"{url}owner/")
    assert last_admin.status_code == 400
    assert last_admin.json() == {"role": ["A project keeps at least one admin."]}


def test_labels_managed_by_admin(client_for, owner, teammate, project, article):
    url = f"/api/projects/{project.pk}/labels/"
    names = [item["name"] for item in client_for(teammate).get(url).json()]
    assert names == ["claim", "quote", "speculation"]
    body = {"name": "irony", "color": "#112233", "hotkey": "i"}
    assert client_for(teammate).post(url, body).status_code == 403
    created = client_for(owner).post(url, body)
    assert created.status_code == 201, created.json()
    bad = client_for(owner).post(url, {"name": "x y", "color": "red"})
    assert bad.status_code == 400 and set(bad.json()) == {"name", "color"}
    label_id = created.json()["id"]
    renamed = client_for(owner).patch(f"/api/labels/{label_id}/", {"name": "sarcasm"})
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "sarcasm"
    assert renamed.json()["attributes"] == []
    used = Label.objects.get(project=project, name="claim")
    make_suggestion(article, "claim", 0, 10)
    in_use = client_for(owner).delete(f"/api/labels/{used.pk}/")
    assert in_use.status_code == 400
    assert in_use.json() == {"label": ["Spans use this label; it cannot be deleted."]}
    assert client_for(owner).delete(f"/api/labels/{label_id}/").status_code == 204
    assert list(project.labels.values_list("name", flat=True)) == ["claim", "quote", "speculation"]


def test_article_list_filters_by_my_review_state(client_for, teammate, owner, project):
    first = make_article(project, "First text about the council.", title="One")
    second = make_article(project, "Second text about a bridge.", title="Two")
    third = make_article(project, "Third text about taxes.", title="Three")
    review_set_state(article=first, actor=teammate, state="done")
    review_set_state(article=second, actor=owner, state="in_progress")
    client = client_for(teammate)

    def ids(query):
        response = client.get(f"/api/articles/?project={project.pk}&{query}")
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["results"]]

    assert ids("review_state=done") == [first.pk]
    assert ids("review_state=new") == [second.pk, third.pk]
    assert ids("q=bridge") == [second.pk]
    assert ids("pretag_state=pending") == [first.pk, second.pk, third.pk]
    assert ids("updated_since=2999-01-01T00:00:00Z") == []
    assert client.get("/api/articles/?review_state=maybe").status_code == 400
    rows = client.get(f"/api/articles/?project={project.pk}").json()["results"]
    assert rows[0]["review_state"] == "done" and "text" not in rows[0]


def test_article_list_cursor_pages(client_for, owner, project):
    made = [make_article(project, f"Article body number {n}.") for n in range(5)]
    client = client_for(owner)
    page = client.get(f"/api/articles/?project={project.pk}&page_size=2").json()
    seen = [item["id"] for item in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [item["id"] for item in page["results"]]
    assert seen == [article.pk for article in made]


def test_span_list_filters(client_for, owner, teammate, outsider, article):
    low = make_suggestion(article, "claim", 0, 40, confidence=0.2)
    high = make_suggestion(article, "speculation", 42, 66, confidence=0.9)
    decided = make_decision(high, teammate)
    client = client_for(owner)

    def ids(query):
        response = client.get(f"/api/spans/?project={article.project_id}&{query}")
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["results"]]

    assert ids("") == [low.pk, high.pk, decided.pk]
    assert ids("label=claim") == [low.pk]
    assert ids("status=accepted") == [decided.pk]
    assert ids("origin=machine&annotator=teammate") == [decided.pk]
    assert ids("min_confidence=0.5") == [high.pk, decided.pk]
    assert client_for(outsider).get("/api/spans/").json()["results"] == []
    assert client.get("/api/spans/?status=bogus").status_code == 400


def test_span_list_pages_in_article_order(client_for, owner, project):
    other = make_project(owner, name="Earlier desk")
    make_suggestion(make_article(other, "Other desk text, not listed."), "claim", 0, 5)
    made = []
    for n in range(4):
        article = make_article(project, f"Body {n}: taxes may rise, said the mayor.")
        made += [make_suggestion(article, "claim", 0, 7), make_suggestion(article, "quote", 9, 24)]
    client = client_for(owner)
    page = client.get(f"/api/spans/?project={project.pk}&page_size=3").json()
    seen = [item["id"] for item in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [item["id"] for item in page["results"]]
    assert seen == [span.pk for span in made]
    empty = make_project(owner, name="Empty desk")
    assert client.get(f"/api/spans/?project={empty.pk}").json()["results"] == []


def test_label_attributes_declared_and_checked(client_for, owner, project):
    url = f"/api/projects/{project.pk}/labels/"
    quote = next(item for item in client_for(owner).get(url).json() if item["name"] == "quote")
    assert [(a["name"], a["type"]) for a in quote["attributes"]] == [
        ("speaker", "text"),
        ("direct", "boolean"),
    ]
    assert quote["attributes"][0]["in_text"] is True
    verdicts = [{"name": "verdict", "type": "choice", "choices": ["true", "false"]}]
    changed = client_for(owner).patch(
        f"/api/labels/{quote['id']}/", {"attributes": verdicts}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["attributes"] == [{**verdicts[0], "title": "verdict"}]
    bad = client_for(owner).patch(
        f"/api/labels/{quote['id']}/",
        {"attributes": [{"name": "verdict", "type": "choice"}]},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json() == {
        "attributes": ["attributes[0]: a choice needs 'choices', a list of distinct strings."]
    }


def test_a_label_cannot_take_a_key_the_editor_uses(client_for, owner, project):
    url = f"/api/projects/{project.pk}/labels/"
    taken = client_for(owner).post(url, {"name": "irony", "color": "#112233", "hotkey": "X"})
    assert taken.status_code == 400
    assert taken.json()["hotkey"][0].startswith("The editor uses X already")
    # C copies an earlier verdict in the editor.
    copy_key = client_for(owner).post(url, {"name": "irony", "color": "#112233", "hotkey": "c"})
    assert copy_key.json()["hotkey"][0].startswith("The editor uses C already")
    free = client_for(owner).post(url, {"name": "irony", "color": "#112233", "hotkey": "4"})
    assert free.status_code == 201, free.json()
