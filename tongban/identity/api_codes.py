"""Identity-code verification for windows and kiosks."""

from ninja import Router

from .api_auth import API_AUTH

router = Router(tags=["身份码"], auth=API_AUTH)
