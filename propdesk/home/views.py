"""The role-aware home page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from propdesk.org.selectors import memberships_of

from .navigation import entries_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home/home.html",
        {"entries": entries_for(request.user), "memberships": memberships_of(user=request.user)},
    )
