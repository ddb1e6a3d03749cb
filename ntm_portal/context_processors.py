"""What base.html needs to know about the signed-in person: who they are and which pages they may open."""

from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from communes import access
from communes.models import Membership
from ntm_portal.home import commune_page_url


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class Navigation:
    links: list[NavLink] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    is_admin: bool = False


def portal_navigation(request: HttpRequest) -> dict:
    # Lazy: pages that never show the portal frame (the admin, redirects) cost no query.
    return {"portal_nav": SimpleLazyObject(lambda: _navigation(request))}


def _navigation(request: HttpRequest) -> Navigation:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Navigation()
    # access.memberships runs the one query and caches it on the user; everything below reuses it.
    is_admin = access.is_admin(user)
    links = []
    if is_admin or access.overview_roots(user):
        links.append(NavLink(_("Dashboard"), reverse("reports:dashboard")))
        links.append(NavLink(_("Results"), reverse("criteria:grid")))
        links.append(NavLink(_("Provinces overview"), reverse("criteria:overview")))
        links.append(NavLink(_("Funding"), reverse("funding:summary")))
        links.append(NavLink(_("Reports"), reverse("reports:list")))
    if access.can_import(user):
        links.append(NavLink(_("Import"), reverse("import_start")))
    if access.can(user, access.Action.EDIT_CRITERIA_SETS):
        links.append(NavLink(_("Criteria sets"), reverse("criteria:set_list")))
    commune = access.home_commune(user)
    if commune is not None:
        links.append(NavLink(commune.name, commune_page_url(commune)))
    if user.is_staff:
        links.append(NavLink(_("Administration"), reverse("admin:index")))
    return Navigation(links=_mark_current(links, request.path), memberships=access.memberships(user), is_admin=is_admin)


def _mark_current(links: list[NavLink], path: str) -> list[NavLink]:
    """The link whose address is the longest prefix of the path is the current page."""
    matching = [link for link in links if path.startswith(link.url)]
    if not matching:
        return links
    current = max(matching, key=lambda link: len(link.url))
    return [NavLink(link.label, link.url, current=link is current) for link in links]
