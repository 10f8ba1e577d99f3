"""The learners' own login, logout and password change (staff use Wagtail's admin)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy

from cms.accounts.first_password import first_password_changed
from cms.accounts.forms import LearnerLoginForm, LearnerPasswordChangeForm


def can_use_admin(user) -> bool:
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")


class LearnerLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LearnerLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        # Trainers and supervisors work in the admin; a learner's page has
        # nothing for them unless they asked for it with ?next=.
        if can_use_admin(self.request.user):
            return reverse("wagtailadmin_home")
        return super().get_default_redirect_url()


class LearnerPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    form_class = LearnerPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        first_password_changed(user=form.user, request=self.request)
        return response


class LearnerPasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_required
def account_overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {"can_use_admin": can_use_admin(request.user)},
    )
