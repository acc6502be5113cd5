"""Members: who is in the project with which role; admins add, change and remove them, and
create accounts for newcomers (a one-time password or an invitation link)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from articles import services
from articles.errors import DomainError, NotFound
from articles.models import Project, Role
from articles.pages.common import ROLE_CHOICES, PageForm, form_error, project_context
from articles.selectors import projects as project_selectors
from articles.selectors.accounts import user_find
from articles.services.accounts import account_create, invitation_path, invitation_tokens
from articles.types import SignedInHttpRequest

ROLE_HELP = (
    "Viewer: reads and exports. Editor: annotates in their own layer and imports. "
    "Reviewer: also sees every layer and writes the gold one. Admin: also manages the "
    "project, its members and labels."
)
TEMPLATE = "articles/manage/members.html"


class AddMemberForm(PageForm):
    user = forms.CharField(label="Username or e-mail", max_length=254)
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial=Role.EDITOR)

    def clean_user(self) -> Any:
        try:
            return user_find(self.cleaned_data["user"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from None


class RoleForm(PageForm):
    role = forms.ChoiceField(choices=ROLE_CHOICES)


class AccountForm(PageForm):
    username = forms.CharField(
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="Letters, digits and @ . + - _ only.",
    )
    email = forms.EmailField(label="E-mail (optional)", required=False)
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial=Role.EDITOR, help_text=ROLE_HELP)
    access = forms.ChoiceField(
        label="How they sign in the first time",
        widget=forms.RadioSelect,
        initial="invite",
        choices=[
            ("invite", "An invitation link: they choose their own password"),
            ("password", "A one-time password that you pass on (they change it on their profile)"),
        ],
    )


def _members_page(
    request: SignedInHttpRequest,
    project: Project,
    *,
    add_form: AddMemberForm | None = None,
    row_errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = project_context(
        project,
        "members",
        memberships=project_selectors.membership_list(project=project),
        add_form=add_form or AddMemberForm(),
        role_choices=ROLE_CHOICES,
        role_help=ROLE_HELP,
        row_errors=row_errors or {},
    )
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def member_list(request: SignedInHttpRequest, project_id: int) -> HttpResponse:
    """Everyone sees who is a member; the POST adds one (admins)."""
    if request.method != "POST":
        project = project_selectors.project_get(user=request.user, project_id=project_id)
        return _members_page(request, project)
    project = project_selectors.project_get(
        user=request.user, project_id=project_id, at_least=Role.ADMIN, action="manage members"
    )
    form = AddMemberForm(request.POST)
    if form.is_valid():
        user, role = form.cleaned_data["user"], Role(form.cleaned_data["role"])
        try:
            services.membership_change(project=project, actor=request.user, user=user, role=role)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{user.get_username()} is now {role.value} of this project.")
            return redirect("articles:project_members", project_id=project.pk)
    return _members_page(request, project, add_form=form, status=400)


@login_required
@require_POST
def member_change(request: SignedInHttpRequest, project_id: int, username: str) -> HttpResponse:
    """Change a member's role, or remove them (the ``remove`` button)."""
    project = project_selectors.project_get(
        user=request.user, project_id=project_id, at_least=Role.ADMIN, action="manage members"
    )
    membership = (
        project_selectors.membership_list(project=project).filter(user__username=username).first()
    )
    if membership is None:
        raise NotFound("No such member.")
    removing = "remove" in request.POST
    form = RoleForm(request.POST)
    if not removing and not form.is_valid():
        return _members_page(
            request, project, row_errors={username: "Choose one of the roles."}, status=400
        )
    role = None if removing else Role(form.cleaned_data["role"])
    try:
        services.membership_change(
            project=project, actor=request.user, user=membership.user, role=role
        )
    except DomainError as error:
        return _members_page(request, project, row_errors={username: error.message}, status=400)
    if role is None:
        messages.success(request, f"Removed {username} from the project.")
        if membership.user.pk == request.user.pk and not request.user.is_superuser:
            return redirect("articles:project_list")  # you left: nothing here to see
    else:
        messages.success(request, f"{username} is now {role.value} of this project.")
    return redirect("articles:project_members", project_id=project.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_new(request: SignedInHttpRequest, project_id: int) -> HttpResponse:
    """Create an account that is a member; the answer shows its one-time password or its
    invitation link once (not stored readable, never cached)."""
    project = project_selectors.project_get(
        user=request.user, project_id=project_id, at_least=Role.ADMIN, action="add members"
    )
    template = "articles/manage/account_form.html"
    form = AccountForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return render(request, template, project_context(project, "members", form=form))
    if form.is_valid():
        values = form.cleaned_data
        try:
            account = account_create(
                project=project,
                actor=request.user,
                username=values["username"],
                email=values["email"],
                role=values["role"],
                with_password=values["access"] == "password",
            )
        except DomainError as error:
            form_error(form, error)
        else:
            link = None
            if account.password is None:
                uidb64, token = invitation_path(account.user)
                link = request.build_absolute_uri(
                    reverse("articles:invitation", args=[uidb64, token])
                )
            days = settings.PASSWORD_RESET_TIMEOUT // 86400
            context = project_context(
                project, "members", account=account, link=link, link_days=days
            )
            return render(request, "articles/manage/account_created.html", context)
    return render(request, template, project_context(project, "members", form=form), status=400)


class InvitationView(auth_views.PasswordResetConfirmView):
    """A newcomer's first password, from the link an admin passed on; signs them in."""

    http_method_names = ["get", "post"]
    template_name = "articles/manage/invitation.html"
    token_generator = invitation_tokens
    post_reset_login = True
    # Named, because other backends (a lock-out's) may be installed beside Django's own.
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("articles:project_list")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Welcome! Your password is set and you are signed in.")
        return response
