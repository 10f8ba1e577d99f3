"""Error handlers: Chinese pages for the site (templates in cms/templates)."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.views.defaults import server_error as django_server_error


@csp_update({"style-src": [UNSAFE_INLINE]})
def server_error(request, template_name="500.html"):
    """Django's 500 view; its page carries its own inline style, since it must
    render when anything (static files included) may be down."""
    return django_server_error(request, template_name)
