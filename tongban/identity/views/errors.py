"""Answers for refused requests that are not a permission question: too many attempts."""

from django.shortcuts import render


def rate_limited(request, exception=None):
    """django-ratelimit's RATELIMIT_VIEW: the limit was hit; say so and when to retry, change nothing."""
    return render(request, "identity/rate_limited.html", status=429)


def locked_out(request, credentials=None, *args, **kwargs):
    return render(request, "identity/locked_out.html", status=429)
