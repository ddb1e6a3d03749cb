"""The messages of Django REST framework this API can answer with, named here so that makemessages puts them in
the project's catalogue (which Django reads before DRF's): DRF's own Vietnamese catalogue has 21 strings."""

from django.utils.translation import gettext_lazy, ngettext_lazy

DRF_MESSAGES = (
    # Authentication and permission.
    gettext_lazy("Invalid token."),
    gettext_lazy("Invalid token header. No credentials provided."),
    gettext_lazy("Invalid token header. Token string should not contain spaces."),
    gettext_lazy("Invalid token header. Token string should not contain invalid characters."),
    gettext_lazy("User inactive or deleted."),
    gettext_lazy("Authentication credentials were not provided."),
    gettext_lazy("Incorrect authentication credentials."),
    gettext_lazy("You do not have permission to perform this action."),
    gettext_lazy("Could not satisfy the request Accept header."),
    # Throttling and pages.
    gettext_lazy("Request was throttled."),
    ngettext_lazy("Expected available in {wait} second.", "Expected available in {wait} seconds.", "wait"),
    gettext_lazy("Invalid page."),
    # The query parameters of the funding totals and the report figures.
    gettext_lazy("This field is required."),
    gettext_lazy("A valid integer is required."),
    gettext_lazy("Ensure this value is greater than or equal to {min_value}."),
    gettext_lazy("Ensure this value is less than or equal to {max_value}."),
    gettext_lazy("String value too large."),
    gettext_lazy('"{input}" is not a valid choice.'),
    gettext_lazy("This field may not be blank."),
)
