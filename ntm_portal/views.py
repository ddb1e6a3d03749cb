"""The portal's front door: send each person to where their work is."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from communes import access
from communes.models import AdministrativeUnit
from criteria.selectors import commune_default_year


def commune_page_url(commune: AdministrativeUnit) -> str:
    """The commune's page for the year pages open on, a commune official's start page."""
    return reverse("criteria:commune", kwargs={"unit_id": commune.pk, "year": commune_default_year(commune)})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    commune = access.home_commune(request.user)
    if commune is not None:
        return redirect(commune_page_url(commune))
    if access.is_reader_only(request.user) and access.overview_roots(request.user):
        return redirect("reports:dashboard")
    # An administrator needs no province on the map to open the results.
    if access.is_admin(request.user) or access.overview_roots(request.user):
        return redirect("criteria:grid")
    return render(request, "ntm_portal/no_unit.html")
