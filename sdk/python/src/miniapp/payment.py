"""Payments through the host's payment processor. Permission: ``payment`` (consent asked)."""

from __future__ import annotations

from . import _backend
from .types import Receipt


def pay(order_id: str, amount_minor: int, currency: str, description: str = "") -> Receipt:
    """Charges the user ``amount_minor`` (cents) in ``currency`` (ISO 4217). Paying the same
    ``order_id`` again returns the first receipt and charges once.

    Raises ``BridgeError``: ``PERMISSION_DENIED``, ``INVALID_ARGUMENT``, ``CANCELLED`` (the user
    closed the sheet), ``UNAVAILABLE``.
    """
    params = {
        "orderId": order_id,
        "amountMinor": amount_minor,
        "currency": currency,
        "description": description,
    }
    return _backend.typed("payment.pay", params, Receipt.from_json)


def query(order_id: str) -> Receipt:
    """The receipt of an earlier payment. ``BridgeError("NOT_FOUND")`` if there is none."""
    return _backend.typed("payment.query", {"orderId": order_id}, Receipt.from_json)
