"""Identity's API: who am I, mandates (this module); identity-code verification (api_codes.py)."""

from ninja import Router

from .api_auth import API_AUTH

router = Router(tags=["身份与授权"], auth=API_AUTH)
