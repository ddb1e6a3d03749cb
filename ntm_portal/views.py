"""The portal's front door: what each person does, where they start, and the work waiting for them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ntm_portal import home as front


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    start = front.start_of(request.user)
    if start is None:
        return render(request, "ntm_portal/no_unit.html")
    return render(request, "ntm_portal/home.html", {"start": start, "tasks": front.next_tasks(request.user)})
