"""Wagtail's Users admin with the person's profile saved alongside the user."""

from wagtail.users.views import users as wagtail_users

from cms.services.profiles import profile_save
from cms.users_admin.forms import PersonCreationForm, PersonEditForm


class _SavesProfile:
    def save_instance(self):
        # Runs inside the generic view's transaction.atomic(): a profile that
        # fails to save rolls the new user back too.
        user = super().save_instance()
        if (data := self.form.profile_data()) is not None:
            profile_save(user=user, **data)
        return user


class CreateView(_SavesProfile, wagtail_users.CreateView):
    pass


class EditView(_SavesProfile, wagtail_users.EditView):
    pass


class UserViewSet(wagtail_users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView
    create_template_name = "cms/users_admin/create.html"
    edit_template_name = "cms/users_admin/edit.html"

    def get_form_class(self, for_update=False):
        return PersonEditForm if for_update else PersonCreationForm
