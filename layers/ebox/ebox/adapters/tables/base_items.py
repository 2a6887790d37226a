"""What every item has: the keys ``pk`` (partition) and ``sk`` (sort), and the table it lives in (the
placeholder names below until :mod:`.binding` points each model at the deployed table)."""

from __future__ import annotations

from typing import Self

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model


class KeyedItem(Model):
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)

    @classmethod
    def find(cls, pk: str, sk: str, *, consistent_read: bool = False) -> Self | None:
        """The item under these keys (one GetItem), or None where there is none."""
        try:
            return cls.get(pk, sk, consistent_read=consistent_read)
        except DoesNotExist:
            return None


class RegistryItem(KeyedItem):
    """An item of the registry table (reference data)."""

    class Meta:
        table_name = "unbound-registry"


class MessagesTableItem(KeyedItem):
    """An item of the messages table (one partition per e-Box)."""

    class Meta:
        table_name = "unbound-messages"
