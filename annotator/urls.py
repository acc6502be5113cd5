from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from articles import account, health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", account.profile, name="profile"),
    path(
        "accounts/password/change/",
        account.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/password/reset/", account.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        account.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        account.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("api/", include("articles.api.urls")),
    path("", include("articles.urls_teams")),
    path("", include("articles.urls")),
]
