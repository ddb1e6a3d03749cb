"""Signing in from tests with django-axes on: its backend refuses an authenticate() call without a request."""

from django.test import Client, RequestFactory
from django.urls import reverse


class SignInClient(Client):
    def login(self, **credentials) -> bool:
        request = RequestFactory().post(reverse("login"), REMOTE_ADDR="127.0.0.1")
        return super().login(request=request, **credentials)
