"""The cases API: the same services, permissions and errors as the pages."""

from ninja import Router

from tongban.identity.api_auth import API_AUTH

router = Router(tags=["办件"], auth=API_AUTH)
