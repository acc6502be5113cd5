"""The user's profile page: their projects and roles, and their API token for scripts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

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
