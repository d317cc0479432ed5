"""Model fields for personal data.

Written here rather than taken from a package (django-fernet-encrypted-fields derives its keys from
SECRET_KEY, which then can never be rotated without losing data): a small TextField that encrypts on
save with tongban.core.crypto and decrypts on load, and refuses lookups, which on a randomized
ciphertext would silently match nothing. Exact lookups go through the blind-index column beside it.
"""

from django.core.exceptions import FieldError
from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        return value if value in (None, "") else crypto.decrypt(value)

    def get_db_prep_save(self, value, connection):
        return value if value in (None, "") else crypto.encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull", "exact"}:
            raise FieldError(f"{self.name} is encrypted: search through its blind index instead")
        return super().get_lookup(lookup_name)

    def get_prep_value(self, value):
        # Reached by lookups only (saving goes through get_db_prep_save): an empty value can be compared
        # with what is stored (exact="" finds "not given"), a ciphertext never.
        value = super().get_prep_value(value)
        if value not in (None, ""):
            raise FieldError(f"{self.name} is encrypted: search through its blind index instead")
        return value
