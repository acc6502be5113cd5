"""The user's own pages: profile (projects, roles, API token), password change and reset.

The password pages are Django's views with our templates; a wrong current password on the
change page counts towards the same lock-out as a wrong password on the login page.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from articles import lockout, reset_limits
from articles.models import Membership
from articles.services.tokens import token_regenerate, token_revoke
from articles.types import SignedInHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: SignedInHttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerate":
            replaced = Token.objects.filter(user=request.user).exists()
            token_regenerate(user=request.user)
            messages.success(
                request,
                "A new token was created. It replaces your older token, which no longer works."
                if replaced
                else "A token was created. You had none before, so no script used one.",
            )
        elif action == "revoke":
            if token_revoke(user=request.user):
                messages.success(request, "Your token was revoked.")
        else:
            return HttpResponse("Unknown action.", status=400)
        return redirect("profile")
    token = Token.objects.filter(user=request.user).first()
    memberships = (
        Membership.objects.filter(user=request.user).select_related("project").order_by("project")
    )
    return render(
        request,
        "account/profile.html",
        {
            "token": token,
            "memberships": memberships,
            "api_base": request.build_absolute_uri("/api/"),
        },
    )


class CountedPasswordChangeForm(PasswordChangeForm):
    """Guessing the current password from a signed-in session is throttled like a login."""

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        username = self.user.get_username()
        if lockout.is_locked(self.request, username):
            lockout.flag_locked(self.request, username)
            raise ValidationError(lockout.LOCKED_MESSAGE, code="locked")
        try:
            old_password: str = super().clean_old_password()
        except ValidationError:
            lockout.count_failure(self.request, username)
            raise
        return old_password


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    form_class = CountedPasswordChangeForm
    template_name = "account/password_change.html"
    success_url = reverse_lazy("profile")
    success_message = "Your password was changed. Your other sessions are signed out."

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "account/password_reset.html"
    email_template_name = "account/password_reset_email.txt"
    subject_template_name = "account/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        address_ok, mailbox_ok = reset_limits.record(self.request, form.cleaned_data["email"])
        if not address_ok:
            form.add_error(None, reset_limits.TOO_MANY_MESSAGE)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        if not mailbox_ok:  # the same page as a sent mail: the form tells nothing of accounts
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "account/password_reset_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "account/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # The link proved the mailbox is theirs: a lock-out of their username (perhaps by
        # someone guessing) no longer stands between them and their new password.
        AxesProxyHandler.reset_attempts(username=form.user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "account/password_reset_complete.html"
